import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointStore } from '../../../src/checkpoints';
import { createWriteJournal } from '../../../src/tools';
import { createRegistry } from '../../../src/tools/registry';
import { createUpdateFileTool } from '../../../src/tools/update-file';
import { createWriteFileTool } from '../../../src/tools/write-file';
import { loadMarkdown } from '../../../src/ui/markdown/Markdown';
import { renderApp, typeAndSend, waitForFrame as waitWithin } from '../../helpers/render-app';
import { createScriptedModel } from '../../helpers/scripted-model';
import { createTempWorkspace } from '../../helpers/temp-workspace';

beforeAll(() => loadMarkdown());
afterEach(() => cleanup());

const DOWN = '\u001B[B';
/** Checkpoints run git: a busy machine (the whole suite at once) needs longer than a frame's usual wait. */
const waitForFrame = (app: { lastFrame: () => string | undefined }, predicate: (frame: string) => boolean) => waitWithin(app, predicate, 20_000);
const ESC = '\u001B';
const pause = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
const occurrences = (frame: string, text: string) => frame.split(text).length - 1;
/** The prompt box's rows: from its last top border down. */
const promptBox = (frame: string) => frame.slice(frame.lastIndexOf('╭'));
/** The row of a frame holding `text`. */
const rowOf = (frame: string, text: string) => frame.split('\n').find((line) => line.includes(text)) ?? '';

/** Two turns, each writing a.txt. */
const TWO_WRITES = [
  { calls: [{ toolName: 'write_file', input: { path: 'a.txt', content: 'two\n' } }] },
  { text: 'Wrote two.' },
  { calls: [{ toolName: 'write_file', input: { path: 'a.txt', content: 'three\n' } }] },
  { text: 'Wrote three.' },
];

/** An App over a real workspace whose writes are journaled, with checkpoints built by `createCheckpoints`. */
async function renderEditingApp(options: { files: Record<string, string>; steps: Parameters<typeof createScriptedModel>[0]; env?: NodeJS.ProcessEnv }) {
  const cwd = await createTempWorkspace(options.files);
  const state = await createTempWorkspace();
  const journal = createWriteJournal();
  const model = createScriptedModel(options.steps);
  const app = renderApp({
    model,
    tools: createRegistry([createUpdateFileTool({ cwd, journal }), createWriteFileTool({ cwd, journal })]),
    approvalMode: 'auto-edit',
    props: { journal, createCheckpoints: (sessionId) => createCheckpointStore({ workspace: cwd, stateDir: state, sessionId, env: options.env }) },
  });
  return { app, cwd, model };
}

describe('/rewind', () => {
  it('lists the prompts newest first, cuts the conversation to before the one picked and hands it back to the box', async () => {
    const model = createScriptedModel([{ text: 'First answer.' }, { text: 'Second answer.' }, { text: 'Answered again.' }]);
    const app = renderApp({ model, tools: createRegistry([]) });
    await typeAndSend(app.stdin, 'first question');
    await waitForFrame(app, (frame) => frame.includes('First answer.'));
    await typeAndSend(app.stdin, 'second question');
    await waitForFrame(app, (frame) => frame.includes('Second answer.'));

    await typeAndSend(app.stdin, '/rewind');
    const picker = await waitForFrame(app, (frame) => frame.includes('Rewind to before which prompt?'));
    const rows = picker.split('\n').filter((line) => /\d {2}(first|second) question/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/› +2 {2}second question/);
    expect(rows[1]).toMatch(/^\W* +1 {2}first question/);

    // Esc leaves everything as it was.
    app.stdin.write(ESC);
    await waitForFrame(app, (frame) => !frame.includes('Rewind to before which prompt?'));
    await typeAndSend(app.stdin, '/rewind');
    await waitForFrame(app, (frame) => frame.includes('Rewind to before which prompt?'));
    app.stdin.write(DOWN);
    await waitForFrame(app, (frame) => /› +1 {2}first question/.test(frame));
    app.stdin.write('\r');
    const choice = await waitForFrame(app, (frame) => frame.includes('Rewind to before prompt 1: first question'));
    // Without checkpoints only the conversation can go back, and the panel says why.
    expect(choice).toContain('1 conversation only');
    expect(choice).not.toContain('code only');
    expect(choice).toContain('The files cannot be rewound: this run keeps no checkpoints');
    app.stdin.write('\r');
    const rewound = await waitForFrame(app, (frame) => frame.includes('Rewound the conversation to before prompt 1') && promptBox(frame).includes('first question'));
    expect(promptBox(rewound)).not.toContain('Rewind to before');

    await typeAndSend(app.stdin, ', once more');
    await waitForFrame(app, (frame) => frame.includes('Answered again.'));
    const sent = JSON.stringify(model.doStreamCalls[2]!.prompt);
    expect(sent).toContain('first question, once more');
    expect(sent).not.toContain('second question');
    expect(sent).not.toContain('First answer.');
  });

  it('offers code and conversation (default), code only or conversation only, names every file first and restores on y', async () => {
    const { app, cwd, model } = await renderEditingApp({
      files: { 'a.txt': 'original a\n' },
      steps: [
        {
          calls: [
            { toolName: 'update_file', input: { path: 'a.txt', old_string: 'original', new_string: 'changed' } },
            { toolName: 'write_file', input: { path: 'b.txt', content: 'new file\n' } },
          ],
        },
        { text: 'Both edited.' },
        { text: 'Fresh start.' },
      ],
    });
    await typeAndSend(app.stdin, 'edit both');
    await waitForFrame(app, (frame) => frame.includes('Both edited.'));
    // A change made outside shoal's file edits: the confirmation marks it.
    await writeFile(path.join(cwd, 'c.txt'), 'mine\n');

    await typeAndSend(app.stdin, '/rewind 1');
    const choice = await waitForFrame(app, (frame) => frame.includes('Rewind to before prompt 1: edit both'));
    expect(choice).toMatch(/› 1 code and conversation/);
    expect(choice).toContain('2 code only');
    expect(choice).toContain('3 conversation only');
    app.stdin.write('2');
    const confirm = await waitForFrame(app, (frame) => frame.includes('Put 3 files back as they were before prompt 1?'));
    // shoal's own edits are not marked; the file made outside them is.
    expect(rowOf(confirm, 'remove  b.txt')).not.toContain('not by');
    expect(rowOf(confirm, 'restore a.txt')).not.toContain('not by');
    expect(rowOf(confirm, 'remove  c.txt')).toContain('(not by shoal’s file edits)');
    app.stdin.write('n');
    await waitForFrame(app, (frame) => frame.includes('Nothing rewound'));
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('changed a\n');

    await typeAndSend(app.stdin, '/rewind 1');
    await waitForFrame(app, (frame) => frame.includes('Rewind to before prompt 1: edit both'));
    app.stdin.write('\r');
    await waitForFrame(app, (frame) => frame.includes('Put 3 files back'));
    app.stdin.write('y');
    const done = await waitForFrame(app, (frame) => frame.includes('Rewound the conversation to before prompt 1') && promptBox(frame).includes('edit both'));
    expect(done).toContain('Put the files back as they were before prompt 1.');
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('original a\n');
    expect(existsSync(path.join(cwd, 'b.txt'))).toBe(false);
    expect(existsSync(path.join(cwd, 'c.txt'))).toBe(false);

    await typeAndSend(app.stdin, ' differently');
    await waitForFrame(app, (frame) => frame.includes('Fresh start.'));
    const sent = JSON.stringify(model.doStreamCalls[2]!.prompt);
    expect(sent).toContain('edit both differently');
    expect(sent).not.toContain('Both edited.');
  }, 60_000);

  it('opens on Esc twice on an empty prompt box, not on one Esc', async () => {
    const model = createScriptedModel([{ text: 'Answer.' }]);
    const app = renderApp({ model, tools: createRegistry([]) });
    await typeAndSend(app.stdin, 'a question');
    await waitForFrame(app, (frame) => frame.includes('Answer.'));
    app.stdin.write(ESC);
    await pause(100);
    expect(app.lastFrame()).not.toContain('Rewind to before which prompt?');
    app.stdin.write(ESC);
    await waitForFrame(app, (frame) => frame.includes('Rewind to before which prompt?') && frame.includes('1  a question'));
  });

  it('/undo puts the files back as they were before the last turn, after naming them', async () => {
    const { app, cwd } = await renderEditingApp({
      files: { 'a.txt': 'one\n' },
      steps: TWO_WRITES,
    });
    await typeAndSend(app.stdin, 'write two');
    await waitForFrame(app, (frame) => frame.includes('Wrote two.'));
    await typeAndSend(app.stdin, 'write three');
    await waitForFrame(app, (frame) => frame.includes('Wrote three.'));
    await typeAndSend(app.stdin, '/undo');
    const confirm = await waitForFrame(app, (frame) => frame.includes('Put 1 file back as it was before the last turn?'));
    expect(rowOf(confirm, 'restore a.txt')).not.toContain('not by');
    app.stdin.write('y');
    await waitForFrame(app, (frame) => frame.includes('Put the files back as they were before the last turn.'));
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('two\n');
  }, 60_000);
});

describe('without git', () => {
  it('says once that checkpoints are off, then /undo falls back to the write journal and /rewind to the conversation', async () => {
    const noGit = await createTempWorkspace();
    const { app, cwd } = await renderEditingApp({
      files: { 'a.txt': 'one\n' },
      env: { PATH: noGit },
      steps: TWO_WRITES,
    });
    await typeAndSend(app.stdin, 'write two');
    await waitForFrame(app, (frame) => frame.includes('Wrote two.') && frame.includes('Checkpoints are off'));
    await typeAndSend(app.stdin, 'write three');
    const second = await waitForFrame(app, (frame) => frame.includes('Wrote three.'));
    expect(occurrences(second, 'Checkpoints are off (git is not installed (not found on PATH))')).toBe(1);

    await typeAndSend(app.stdin, '/undo');
    await waitForFrame(app, (frame) => frame.includes('Undid the last edit batch.'));
    expect(await readFile(path.join(cwd, 'a.txt'), 'utf8')).toBe('two\n');

    await typeAndSend(app.stdin, '/rewind 1');
    const choice = await waitForFrame(app, (frame) => frame.includes('Rewind to before prompt 1: write two'));
    expect(choice).toContain('The files cannot be rewound: checkpoints are off (git is not installed');
    expect(choice).not.toContain('code only');
  }, 60_000);
});
