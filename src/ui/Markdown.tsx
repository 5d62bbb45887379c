import { Text, useWindowSize } from 'ink';
import { useMemo } from 'react';
import { renderMarkdown } from './render-markdown';

export interface MarkdownProps {
  text: string;
  /** Show only the last lines, marking the cut; for text still streaming in the live region. */
  maxLines?: number;
}

/** The model's text rendered as markdown, memoised on the text and width. */
export function Markdown({ text, maxLines }: MarkdownProps) {
  const { columns } = useWindowSize();
  const rendered = useMemo(() => renderMarkdown(text, Math.max(20, columns - 2)), [text, columns]);
  if (maxLines === undefined) return <Text>{rendered}</Text>;
  const lines = rendered.split('\n');
  if (lines.length <= maxLines) return <Text>{rendered}</Text>;
  return (
    <>
      <Text dimColor>{`… ${lines.length - maxLines} earlier lines (shown in full when the step ends)`}</Text>
      <Text>{lines.slice(-maxLines).join('\n')}</Text>
    </>
  );
}
