// The floor under a headless run: a minimal AI SDK client making the same two
// requests against the same loopback server, with the provider shoal picks for
// `--base-url` (src/models/model.ts: the OpenAI-compatible client, usage on).
// `entry.js stream-text BASE_URL CWD PROMPT`: the model reads the files it
// asks for, then its answer is printed to stdout.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { isStepCount, streamText, tool } from 'ai';
import { z } from 'zod';

const [baseUrl, cwd, prompt] = process.argv.slice(3);
if (!baseUrl || !cwd || !prompt) {
  process.stderr.write('Usage: entry.js stream-text BASE_URL CWD PROMPT\n');
  process.exit(1);
}
const provider = createOpenAICompatible({ name: 'compatible', baseURL: baseUrl, includeUsage: true });
const readFileTool = tool({
  description: 'Read a file of the workspace.',
  inputSchema: z.object({ path: z.string() }),
  execute: ({ path: file }) => readFile(path.join(cwd, file), 'utf8'),
});
const result = streamText({
  model: provider.chatModel('bench-model'),
  prompt,
  tools: { read_file: readFileTool },
  stopWhen: isStepCount(2),
  onError: ({ error }) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
});
for await (const part of result.stream) {
  if (part.type === 'text-delta') process.stdout.write(part.text);
}
process.stdout.write('\n');
