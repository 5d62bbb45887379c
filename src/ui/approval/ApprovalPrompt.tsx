import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
import { protectedFiles } from '../../agent/calls/approval';
import { sessionCommandPrefix } from '../../agent/calls/command-prefix';
import type { ApprovalDecision } from '../../agent/nodes';
import type { CallView } from '../../state/types';
import type { PatchFilePreview } from '../../tools/types';
import { clampOffset, commandRows, diffRows, fetchRows, inputRows, pageSize, patchRows, toolInputRows, windowRows, type PreviewRow } from './preview-rows';
import { PreviewRows } from './PreviewRows';
import { toVisibleText } from '../visible-text';

/** The call to ask about, the space it may take, and where the answer goes. */
export interface ApprovalPromptProps {
  /** The call waiting for an answer; the prompt shows exactly its preview. */
  call: CallView;
  /** Most rows the box may take in all, so its title never scrolls off the screen. */
  maxDiffLines: number;
  /** Columns of the terminal; long lines wrap to it rather than losing their tail. */
  width: number;
  /** Contract: called once per prompt with the user's answer. */
  onAnswer: (decision: ApprovalDecision) => void;
  /** Esc on the prompt: deny this call and stop the turn. */
  onDenyAndStop: () => void;
}

// Border (2 rows), the keys line, and a spare row for the keys line wrapping on a narrow screen.
const FRAME_ROWS = 4;

/**
 * Asks whether one write or command may run, title first, then the diff (a
 * patch: every file's, each under its title), or the
 * command with every control character shown escaped, and whether a command
 * runs sandboxed. y/Enter allows once; a allows the tool for the session, or
 * for a command the prefix it names (`npm test …`; not offered for commands
 * that chain or redirect), or for a fetch its host; n denies with feedback, Esc denies and stops the
 * turn; v pages through a preview too tall for the box.
 */
export function ApprovalPrompt({ call, maxDiffLines, width, onAnswer, onDenyAndStop }: ApprovalPromptProps) {
  const [feedback, setFeedback] = useState<string | undefined>(undefined);
  const [offset, setOffset] = useState<number | undefined>(undefined);
  const isTypingFeedback = feedback !== undefined;
  const innerWidth = Math.max(10, width - 4);
  const rows = useMemo(() => previewRows(call, innerWidth), [call.preview, call.input, innerWidth]);
  const heading = useMemo(() => headingLines(call), [call.preview, call.toolName, call.askedAgainBecause]);
  const headingRows = heading.reduce((sum, line) => sum + Math.ceil(Math.max(1, line.text.length) / innerWidth), 0);
  const bodyRows = Math.max(3, maxDiffLines - headingRows - FRAME_ROWS);
  const view = useMemo(() => windowRows(rows, bodyRows, offset), [rows, bodyRows, offset]);
  const isCut = rows.length > bodyRows;
  const preview = call.preview;
  const isCommand = call.toolName === 'bash';
  const commandPrefix = isCommand && preview?.type === 'command' ? sessionCommandPrefix(preview.command) : undefined;
  const canAllowSession = !isCommand || commandPrefix !== undefined;
  const domain = preview?.type === 'fetch' ? preview.host : undefined;
  const sessionDecision: ApprovalDecision =
    domain !== undefined ? { type: 'allow-session', domain }
    : commandPrefix !== undefined ? { type: 'allow-session', commandPrefix }
    : { type: 'allow-session' };
  const sessionScope = domain !== undefined ? toVisibleText(domain) : commandPrefix !== undefined ? `\`${toVisibleText(commandPrefix)} …\`` : call.toolName;

  useInput((input, key) => {
    if (isTypingFeedback) {
      if (key.escape) onAnswer({ type: 'deny' });
      else if (key.return) onAnswer(feedback.trim() ? { type: 'deny', feedback: feedback.trim() } : { type: 'deny' });
      else if (key.backspace || key.delete) setFeedback(feedback.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setFeedback(feedback + input);
      return;
    }
    if (offset !== undefined) {
      // The pager: Esc leaves it rather than denying, as in less; the answer keys still work.
      // Functional updates: keys typed faster than a render must each move from the last position.
      const scrollBy = (delta: number) => setOffset((current) => clampOffset((current ?? 0) + delta, rows.length, bodyRows));
      const page = pageSize(bodyRows);
      if (key.escape || input === 'v' || input === 'q') return setOffset(undefined);
      if (key.downArrow || input === 'j') return scrollBy(1);
      if (key.upArrow || input === 'k') return scrollBy(-1);
      if (input === ' ' || key.pageDown) return scrollBy(page);
      if (input === 'b' || key.pageUp) return scrollBy(-page);
      if (input === 'g') return setOffset(0);
      if (input === 'G') return setOffset(clampOffset(rows.length, rows.length, bodyRows));
    } else if (key.escape) return onDenyAndStop();
    else if (input === 'v' && isCut) return setOffset(0);
    if (key.return || input === 'y' || input === 'Y') onAnswer({ type: 'allow' });
    else if ((input === 'a' || input === 'A') && canAllowSession) onAnswer(sessionDecision);
    else if (input === 'n' || input === 'N') setFeedback('');
  });

  const guarded = protectedFiles(preview);
  const isProtected = guarded.length > 0;
  const stillAsks = preview?.type === 'patch' ? 'protected files will still ask' : 'this file will still ask';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={isProtected ? 'red' : 'yellow'} paddingX={1}>
      {heading.map((line, index) => (
        <Text key={index} bold={line.isBold} color={line.color} wrap="wrap">
          {line.text}
        </Text>
      ))}
      <PreviewRows rows={view.rows} />
      {view.note ? <Text color="yellow">{view.note}</Text> : null}
      {isTypingFeedback ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>Tell the model why or what to do instead (Enter sends, Esc sends no feedback):</Text>
          <Text>
            <Text color="yellow">{'› '}</Text>
            {feedback}
            <Text inverse> </Text>
          </Text>
        </Box>
      ) : (
        <Text>
          <Text bold color="green">y</Text>
          <Text> allow once  </Text>
          {canAllowSession ? (
            <>
              <Text bold color="green">a</Text>
              <Text>{` allow ${sessionScope} this session${isProtected ? ` (${stillAsks})` : ''}  `}</Text>
            </>
          ) : null}
          <Text bold color="red">n</Text>
          <Text> deny with feedback  </Text>
          {isCut && offset === undefined ? (
            <>
              <Text bold>v</Text>
              <Text> view all  </Text>
            </>
          ) : null}
          <Text bold>Esc</Text>
          <Text>{offset === undefined ? ' deny and stop' : ' back'}</Text>
        </Text>
      )}
    </Box>
  );
}

/** One line above the preview. */
interface HeadingLine {
  text: string;
  color?: string;
  isBold?: boolean;
}

/** The title (first, so it stays on screen), why the path is protected, and why the call is asked again. */
function headingLines(call: CallView): HeadingLine[] {
  const preview = call.preview;
  const lines: HeadingLine[] = [{ text: title(call), color: 'yellow', isBold: true }];
  // Only a user's agent with write tools asks besides the main agent; its id starts with its name.
  if (call.agentId !== 'main') lines.push({ text: `Asked by your agent ${toVisibleText(call.agentId.split(':')[0]!)}.`, color: 'cyan' });
  if (preview?.type === 'diff' && preview.protectedReason !== undefined) {
    lines.push({ text: `⚠ Protected file: ${toVisibleText(preview.protectedReason)}.`, color: 'red', isBold: true });
    lines.push({ text: 'Writes here always ask, whatever the approval mode or allowances say.', color: 'red' });
  }
  if (preview?.type === 'patch') {
    const guarded = protectedFiles(preview);
    for (const { path, reason } of guarded) {
      lines.push({ text: `⚠ Protected file ${toVisibleText(path)}: ${toVisibleText(reason)}.`, color: 'red', isBold: true });
    }
    if (guarded.length > 0) lines.push({ text: 'The whole patch asks, whatever the approval mode or allowances say.', color: 'red' });
  }
  if (preview?.type === 'command') {
    lines.push(
      preview.isSandboxed
        ? { text: 'sandboxed: no network, writes only to the workspace and /tmp' }
        : { text: 'not sandboxed: it runs with your access to files and the network', color: 'yellow' },
    );
  }
  if (preview?.type === 'fetch') {
    lines.push({ text: `The whole URL goes to ${toVisibleText(preview.host)}: anything in it leaves this machine.`, color: 'yellow' });
  }
  if (call.askedAgainBecause !== undefined) {
    lines.push({ text: `Asked again: ${toVisibleText(call.askedAgainBecause)} Below is the change against the file as it is now.`, color: 'magenta' });
  }
  return lines;
}

function title(call: CallView): string {
  const preview = call.preview;
  if (preview?.type === 'diff') {
    const via = preview.requestedPath !== undefined ? ` (via ${toVisibleText(preview.requestedPath)})` : '';
    return `${preview.isNewFile ? 'Create' : 'Edit'} ${toVisibleText(preview.path)}${via}?`;
  }
  if (preview?.type === 'patch') return `Apply this patch to ${patchSummary(preview.files)}?`;
  if (preview?.type === 'command') return 'Run this command?';
  if (preview?.type === 'tool-input') return `Run ${toVisibleText(preview.tool)} on MCP server ${toVisibleText(preview.server)}?`;
  if (preview?.type === 'fetch') return `Fetch a page from ${toVisibleText(preview.host)}?`;
  return `Run ${toVisibleText(call.toolName)}?`;
}

function previewRows(call: CallView, width: number): PreviewRow[] {
  const preview = call.preview;
  if (preview?.type === 'diff') return diffRows(preview.diff, width);
  if (preview?.type === 'patch') return patchRows(preview.files, width);
  if (preview?.type === 'command') return commandRows(preview.command, preview.cwd, width);
  if (preview?.type === 'tool-input') return toolInputRows(preview.input, width);
  if (preview?.type === 'fetch') return fetchRows(preview.url, width);
  return inputRows(call.input, width);
}

/** "3 files (create 1, update 1, delete 1)", or the one file's path and change: "src/a.ts (update)". */
function patchSummary(files: readonly PatchFilePreview[]): string {
  if (files.length === 1) return `${toVisibleText(files[0]!.path)} (${files[0]!.change})`;
  const counts = new Map<string, number>();
  for (const file of files) counts.set(file.change, (counts.get(file.change) ?? 0) + 1);
  return `${files.length} files (${[...counts].map(([change, count]) => `${change} ${count}`).join(', ')})`;
}
