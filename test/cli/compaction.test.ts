import { execa } from 'execa';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCliForTest } from '../helpers/built-cli';
import { startOpenAIServer } from '../helpers/openai-server';
import { createTempWorkspace } from '../helpers/temp-workspace';

let cli: string;
beforeAll(async () => {
  cli = await buildCliForTest();
}, 60_000);

const WINDOW = 16_384;
const FIRST = 'Find where the invoices are rounded. Keep the public API unchanged and write no tests.';
const COMPACTED = '[This conversation was compacted';

/** Twelve files of 12 KB: four of them fill a 16k window. */
const files = Object.fromEntries(
  Array.from({ length: 12 }, (_, index) => [`src/part${index}.ts`, `// part ${index}\n${`export const value${index} = ${index}; // rounding helper\n`.repeat(260)}`]),
);

describe('a session longer than its window, against a vLLM-like server', () => {
  it('compacts (visible in stream-json), finishes the task, keeps the first instruction word for word, and --continue works', async () => {
    const cwd = await createTempWorkspace(files);
    const state = await createTempWorkspace();
    let refusals = 0;
    let reads = 0;
    const server = await startOpenAIServer(
      (body) => {
        const text = JSON.stringify(body.messages);
        // vLLM refuses a prompt longer than max_model_len (its tokens; ~4 characters each here).
        if (text.length / 4 > WINDOW) {
          refusals += 1;
          const message = `This model's maximum context length is ${WINDOW} tokens. However, you requested ${Math.round(text.length / 4)} tokens in the messages.`;
          return { raw: { status: 400, body: JSON.stringify({ object: 'error', message, type: 'BadRequestError', param: null, code: 400 }) } };
        }
        if (text.includes('Summarise this conversation')) return { text: '## Goal\nFind the rounding of invoices.\n## Open work\nRead the remaining parts.' };
        const lastUser = [...body.messages].reverse().find((message: { role: string }) => message.role === 'user');
        if (String(lastUser?.content).includes('what next?')) return { text: 'Next: round in part 11.' };
        if (reads >= 10) return { text: 'Rounding happens in part 11.' };
        const part = reads++;
        const thinking = `Step ${part}: part ${part} defines helpers; I will read the next part and compare how each one rounds. `.repeat(25);
        return { text: thinking, toolCalls: [{ id: `call_${part}`, name: 'read_file', arguments: JSON.stringify({ path: `src/part${part}.ts` }) }] };
      },
      { '/v1/models': { object: 'list', data: [{ id: 'qwen', object: 'model', owned_by: 'vllm', max_model_len: WINDOW }] } },
    );
    const env = { ...process.env, OPENAI_API_KEY: 'test', OPENAI_BASE_URL: '', SHOAL_MODEL: '', SHOAL_STATE_DIR: state, SHOAL_CONFIG_DIR: path.join(state, 'config') };
    const run = (args: string[]) =>
      execa(process.execPath, [cli, '--cwd', cwd, '--base-url', server.baseUrl, '--model', 'qwen', ...args], { env, reject: false, stdin: 'ignore' });

    const first = await run(['-p', FIRST, '--output-format', 'stream-json']);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const nodes = first.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    const sizes = nodes.filter((node) => node.type === 'context-size');
    expect(sizes.every((node) => node.window === WINDOW), 'the window came from vLLM’s max_model_len').toBe(true);
    const ends = nodes.filter((node) => node.type === 'compaction-end');
    expect(ends.some((node) => node.method === 'summary')).toBe(true);
    expect(nodes.at(-1)).toMatchObject({ type: 'run-end', reason: 'done', text: 'Rounding happens in part 11.' });
    expect(refusals).toBe(0);

    // The request after the summary holds the user's first message word for word.
    const compactedRequest = server.requests.find((request) => JSON.stringify(request.messages).includes(COMPACTED))!;
    expect(compactedRequest.messages[1].role).toBe('user');
    expect(compactedRequest.messages[1].content).toContain(FIRST);

    const next = await run(['-p', 'what next?', '--continue']);
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toContain('Next: round in part 11.');
    const resumed = server.requests.at(-1)!;
    expect(JSON.stringify(resumed.messages)).toContain(COMPACTED);
    expect(JSON.stringify(resumed.messages).length / 4).toBeLessThan(WINDOW);
  });
});
