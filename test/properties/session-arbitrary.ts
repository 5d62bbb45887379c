import fc from 'fast-check';
import type { ApprovalDecision } from '../../src/agent/nodes';

/**
 * What a write call does to the disk if it runs and ends `ok`, so the test can
 * replay the ok calls itself and compute the workspace the run should leave.
 */
export type DiskEffect =
  | { type: 'write'; path: string; content: string }
  | { type: 'update'; path: string; oldString: string; newString: string; isReplaceAll: boolean }
  | { type: 'shell-write'; path: string; text: string; isAppend: boolean }
  | { type: 'shell-remove'; path: string }
  | { type: 'none' };

/** How the scripted user answers one approval request, and how long they take. */
export interface ApprovalChoice {
  decision: ApprovalDecision;
  /** `sync`: an already-settled promise; `tick`: a macrotask later; a number: that many milliseconds. */
  latency: 'sync' | 'tick' | number;
}

/** One tool call a scripted response makes. */
export interface GeneratedCall {
  id: string;
  toolName: string;
  input: unknown;
  /** Set for calls of write tools; what an ok run of it changes. */
  effect?: DiskEffect;
  /** How the user answers if this call asks (reads never do). */
  approval: ApprovalChoice;
}

/** One scripted model response. */
export interface GeneratedStep {
  text?: string;
  calls: GeneratedCall[];
}

/** When the scripted user interrupts the run. */
export type AbortPlan =
  | { type: 'none' }
  /**
   * As the consumer receives the node with this 0-based index, or `delayMs`
   * later, so the interrupt can land while a tool is mid-way.
   */
  | { type: 'at-node'; index: number; delayMs: number }
  /** `delayMs` after the main agent's tool call with this 0-based ordinal starts: while a tool is at work. */
  | { type: 'at-call-start'; ordinal: number; delayMs: number }
  /** While the approval request with this 0-based ordinal is on screen, unanswered. */
  | { type: 'at-approval'; ordinal: number };

/** One generated session: the workspace it starts from, the model's responses, the user's behaviour. */
export interface GeneratedSession {
  files: Record<string, string>;
  steps: GeneratedStep[];
  /** Read-only responses of each research sub-agent, keyed by the question that starts it. */
  research: Record<string, GeneratedStep[]>;
  abort: AbortPlan;
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta'] as const;
/** Files every workspace starts with (contents generated). */
const SEED_FILES = ['a.txt', 'b.txt', 'sub/c.txt'] as const;
const NEW_FILES = ['new.txt', 'sub/new.txt', 'fresh/d.txt'] as const;
/** Paths no write may succeed on: a directory, a path through a file, an escape from the workspace. */
const BAD_PATHS = ['sub', 'a.txt/x', '../escape.txt'] as const;
/** Paths write calls aim at: mostly seed files, then new files (one in a missing directory), now and then a bad path. */
const writePath = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SEED_FILES) },
  { weight: 3, arbitrary: fc.constantFrom(...NEW_FILES) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_PATHS) },
);
/** Redirect targets of shell commands; `fresh/d.txt` fails while `fresh/` does not exist. */
const SHELL_TARGETS = [...SEED_FILES, 'new.txt', 'sub/new.txt', 'fresh/d.txt'] as const;

const word = fc.constantFrom(...WORDS);
const smallText = fc.array(word, { minLength: 0, maxLength: 4 }).map((words) => words.join(' '));
/** File contents: a few words on a few lines, so snippets occur zero, one or several times. */
const fileContents = fc
  .tuple(fc.array(fc.tuple(word, fc.constantFrom(' ', '\n')), { minLength: 0, maxLength: 6 }), fc.boolean())
  .map(([pairs, hasFinalNewline]) => pairs.map(([text, separator]) => text + separator).join('').trimEnd() + (hasFinalNewline ? '\n' : ''));

const approvalChoice: fc.Arbitrary<ApprovalChoice> = fc.record({
  decision: fc.oneof(
    { weight: 3, arbitrary: fc.constant<ApprovalDecision>({ type: 'allow' }) },
    { weight: 1, arbitrary: fc.constant<ApprovalDecision>({ type: 'allow-session' }) },
    { weight: 2, arbitrary: fc.constant<ApprovalDecision>({ type: 'deny' }) },
    { weight: 1, arbitrary: smallText.map<ApprovalDecision>((feedback) => ({ type: 'deny', feedback: `no: ${feedback}` })) },
  ),
  latency: fc.oneof(fc.constant<'sync'>('sync'), fc.constant<'tick'>('tick'), fc.integer({ min: 1, max: 3 })),
});

type CallShape = Omit<GeneratedCall, 'id' | 'approval'>;

const writeFileCall: fc.Arbitrary<CallShape> = fc
  .record({ path: writePath, content: fc.oneof(smallText, fileContents) })
  .map(({ path, content }) => ({ toolName: 'write_file', input: { path, content }, effect: { type: 'write', path, content } }));

/**
 * Updates aim mostly at a seed file with a piece of its starting text (often
 * unique, unless an earlier call changed the file), else at any path with a
 * word (often repeated) or a snippet that never occurs.
 */
function updateFileCall(files: Record<string, string>): fc.Arbitrary<CallShape> {
  const pieceOfSeedFile = fc
    .tuple(fc.constantFrom(...SEED_FILES), fc.nat(), fc.integer({ min: 1, max: 12 }))
    .map(([path, start, length]) => {
      const text = files[path] ?? '';
      const from = text.length === 0 ? 0 : start % text.length;
      // An empty seed file has no piece to offer: ask for a snippet it cannot hold.
      return { path, oldString: text.slice(from, from + length) || 'missing' };
    });
  const anywhere = fc.record({ path: writePath, oldString: fc.oneof(word, fc.constant('missing')) });
  return fc
    .record({
      target: fc.oneof({ weight: 3, arbitrary: pieceOfSeedFile }, { weight: 2, arbitrary: anywhere }),
      newString: smallText,
      isReplaceAll: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ target: { path, oldString }, newString, isReplaceAll }) => ({
      toolName: 'update_file',
      input: { path, old_string: oldString, new_string: newString, ...(isReplaceAll === undefined ? {} : { replace_all: isReplaceAll }) },
      effect: { type: 'update', path, oldString, newString, isReplaceAll: isReplaceAll === true },
    }));
}

const bashCall: fc.Arbitrary<CallShape> = fc
  .record({ action: fc.constantFrom('write', 'append', 'remove', 'echo'), target: fc.constantFrom(...SHELL_TARGETS), text: word })
  .map(({ action, target, text }): CallShape => {
    switch (action) {
      case 'write':
      case 'append':
        return {
          toolName: 'bash',
          input: { command: `printf %s ${text} ${action === 'append' ? '>>' : '>'} ${target}` },
          effect: { type: 'shell-write', path: target, text, isAppend: action === 'append' },
        };
      case 'remove':
        return { toolName: 'bash', input: { command: `rm -f ${target}` }, effect: { type: 'shell-remove', path: target } };
      default:
        return { toolName: 'bash', input: { command: `echo ${text}` }, effect: { type: 'none' } };
    }
  });

const readCall: fc.Arbitrary<CallShape> = fc.oneof(
  writePath.map((path) => ({ toolName: 'read_file', input: { path } })),
  fc.constantFrom('.', 'sub', 'fresh').map((path) => ({ toolName: 'list_dir', input: { path } })),
);

/** Calls the SDK rejects before the loop runs them: an unknown tool, and input the schema refuses. */
const invalidCall: fc.Arbitrary<CallShape> = fc.constantFrom<CallShape>(
  { toolName: 'no_such_tool', input: {} },
  { toolName: 'write_file', input: { path: 'a.txt' } },
);

/** Main-agent calls: mostly writes and commands, some reads, a few invalid ones, and research when asked for. */
function mainCall(files: Record<string, string>, researchQuestions: readonly string[]): fc.Arbitrary<CallShape> {
  const research = researchQuestions.map((question) => ({ toolName: 'research_codebase', input: { question } }));
  return fc.oneof(
    { weight: 4, arbitrary: writeFileCall },
    { weight: 3, arbitrary: updateFileCall(files) },
    { weight: 3, arbitrary: bashCall },
    { weight: 3, arbitrary: readCall },
    { weight: 1, arbitrary: invalidCall },
    ...(research.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...research) }] : []),
  );
}

function steps(call: fc.Arbitrary<CallShape>, prefix: string, maxSteps: number, maxCalls: number): fc.Arbitrary<GeneratedStep[]> {
  const step = fc.record({
    text: fc.option(smallText.filter((text) => text !== ''), { nil: undefined }),
    calls: fc.array(fc.tuple(call, approvalChoice), { minLength: 1, maxLength: maxCalls }),
  });
  return fc.array(step, { minLength: 1, maxLength: maxSteps }).map((generated) =>
    generated.map((entry, stepIndex) => ({
      ...(entry.text === undefined ? {} : { text: entry.text }),
      calls: entry.calls.map(([shape, approval], callIndex) => ({ ...shape, id: `${prefix}${stepIndex + 1}-${callIndex}`, approval })),
    })),
  );
}

const abortPlan: fc.Arbitrary<AbortPlan> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<AbortPlan>({ type: 'none' }) },
  {
    weight: 3,
    arbitrary: fc
      .record({ index: fc.integer({ min: 0, max: 30 }), delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })) })
      .map<AbortPlan>(({ index, delayMs }) => ({ type: 'at-node', index, delayMs })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ ordinal: fc.integer({ min: 0, max: 3 }), delayMs: fc.integer({ min: 0, max: 3 }) })
      .map<AbortPlan>(({ ordinal, delayMs }) => ({ type: 'at-call-start', ordinal, delayMs })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map<AbortPlan>((ordinal) => ({ type: 'at-approval', ordinal })) },
);

/**
 * Random sessions over a three-file workspace: up to three responses of up to
 * four calls each (then a plain answer), an approval choice per call, and an
 * abort plan. With `hasResearch`, the model may also call `research_codebase`,
 * whose sub-agents make read-only calls of their own.
 */
export function sessionArbitrary(options: { hasResearch: boolean }): fc.Arbitrary<GeneratedSession> {
  const questions = options.hasResearch ? ['q1', 'q2'] : [];
  const research = fc.record(
    Object.fromEntries(questions.map((question) => [question, steps(readCall, `${question}-`, 2, 3)])),
  ) as fc.Arbitrary<Record<string, GeneratedStep[]>>;
  const files = fc
    .tuple(...SEED_FILES.map(() => fileContents))
    .map((contents) => Object.fromEntries(SEED_FILES.map((file, index) => [file, contents[index]!])));
  return files.chain((seeded) =>
    fc.record({ files: fc.constant(seeded), steps: steps(mainCall(seeded, questions), 's', 3, 4), research, abort: abortPlan }),
  );
}
