import type { ModelMessage, ToolResultPart } from 'ai';
import { selectMainCalls, selectTurnCalls } from '../../state/selectors';
import { getOwn } from '../../state/records';
import type { CallView, TurnView } from '../../state/types';
import type { SubagentRecord } from '../../session/entries';
import { STATUS_STYLE } from '../format';
import { toVisibleLines, toVisibleText } from '../visible-text';

/** Most lines and characters /show prints of one output: the transcript is scrollback, not a pager. */
export const MAX_SHOW_LINES = 200;
export const MAX_SHOW_CHARS = 20_000;

/** The text of `/show`: the turn's calls, numbered, with how to expand one. */
export function showListText(turn: TurnView | undefined): string {
  const calls = turn ? selectMainCalls(turn) : [];
  if (calls.length === 0) return 'No tool calls to show yet.';
  const lines = calls.map((call, index) => `  ${String(index + 1).padStart(2)} ${callLine(call)}`);
  return ['Tool calls of the last turn · /show N prints one’s output (a research call: its report)', ...lines].join('\n');
}

/**
 * The text of `/show N`: call N's full output (a research call's report, after
 * its sub-agent's calls), read from the conversation history, capped and escaped.
 */
export function showCallText(options: { turn: TurnView | undefined; number: number; history: readonly ModelMessage[] }): string {
  const calls = options.turn ? selectMainCalls(options.turn) : [];
  const call = calls[options.number - 1];
  if (!call) return calls.length === 0 ? 'No tool calls to show yet.' : `No call ${options.number}: the last turn has ${calls.length}; /show lists them.`;
  const lines = [callLine(call)];
  const child = call.childAgentId && options.turn ? getOwn(options.turn.agents, call.childAgentId) : undefined;
  if (child && options.turn) {
    const childCalls = selectTurnCalls({ ...options.turn, agents: { [child.agentId]: child } });
    lines.push(`  sub-agent: ${child.steps.length} steps, ${childCalls.length} tool calls`);
    for (const childCall of childCalls) lines.push(`    ${callLine(childCall)}`);
    lines.push('  report:');
  }
  const output = outputOf(options.history, call.toolCallId);
  if (output === undefined) lines.push(call.status === 'running' || call.status === 'queued' ? '  (still running)' : '  (no output kept for this call)');
  else lines.push(...capped(output).map((line) => `  ${line}`));
  return lines.join('\n');
}

/** Report lines a resumed session retells per research sub-agent; the rest is a line away in the saved file. */
export const RESUMED_REPORT_LINES = 40;

/** A saved research sub-agent retold in a resumed transcript: question, calls and report (capped, escaped). */
export function resumedResearchText(record: SubagentRecord): string {
  const calls = record.calls.map((call) => `    ${toVisibleText(`${call.status === 'ok' ? '✓' : '✗'} ${call.toolName} ${call.description}  ${call.summary}`)}`);
  const ending = record.reason === 'done' ? '' : ` (${record.reason})`;
  const title = toVisibleText(`↳ research_codebase ${record.question} · ${record.calls.length} tool calls${ending}`);
  return [title, ...calls.slice(0, 20), ...(calls.length > 20 ? [`    … ${calls.length - 20} more`] : []), '  report:', ...capped(record.report, RESUMED_REPORT_LINES).map((line) => `  ${line}`)].join('\n');
}

function callLine(call: CallView): string {
  const mark = call.status in STATUS_STYLE ? STATUS_STYLE[call.status as keyof typeof STATUS_STYLE].mark : '·';
  const summary = call.summary ? `  ${call.summary}` : '';
  return toVisibleText(`${mark} ${call.toolName} ${call.description}${summary}`);
}

/** The latest tool result for `toolCallId` in the history (ids may repeat across turns: the newest is this turn's). */
function outputOf(history: readonly ModelMessage[], toolCallId: string): string | undefined {
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const message = history[index]!;
    if (message.role !== 'tool') continue;
    const part = message.content.find((item): item is ToolResultPart => item.type === 'tool-result' && item.toolCallId === toolCallId);
    if (part) return resultText(part.output);
  }
  return undefined;
}

function resultText(output: ToolResultPart['output']): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'execution-denied':
      return `denied${output.reason ? `: ${output.reason}` : ''}`;
    default:
      return JSON.stringify(output);
  }
}

function capped(text: string, maxLines = MAX_SHOW_LINES): string[] {
  const lines = toVisibleLines(text.length > MAX_SHOW_CHARS ? text.slice(0, MAX_SHOW_CHARS) : text);
  const kept = lines.slice(0, maxLines);
  const isCut = lines.length > maxLines || text.length > MAX_SHOW_CHARS;
  return isCut ? [...kept, `… cut at ${kept.length} lines / ${MAX_SHOW_CHARS.toLocaleString('en')} characters`] : kept;
}
