import { Text, useWindowSize } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type * as RenderMarkdown from './render-markdown';
import { toVisibleBlock } from '../visible-text';

let renderer: typeof RenderMarkdown | undefined;
let loading: Promise<unknown> | undefined;

/**
 * Loads the markdown renderer. marked-terminal brings highlight.js (megabytes
 * of grammars), so it loads after the first frame instead of before it; text
 * shows plain until it is ready.
 */
export function loadMarkdown(): Promise<void> {
  loading ??= import('./render-markdown').then((module) => {
    renderer = module;
  });
  return loading.then(() => undefined);
}

export interface MarkdownProps {
  text: string;
  /** Show only the last lines, marking the cut; for text still streaming in the live region. */
  maxLines?: number;
}

/** The model's text rendered as markdown, memoised on the text and width. */
export function Markdown({ text, maxLines }: MarkdownProps) {
  const { columns } = useWindowSize();
  const [isReady, setIsReady] = useState(renderer !== undefined);
  useEffect(() => {
    if (!isReady) void loadMarkdown().then(() => setIsReady(true));
  }, [isReady]);
  // The model's text may carry escape sequences of its own: they are shown, never obeyed.
  const rendered = useMemo(() => {
    const visible = toVisibleBlock(text);
    return renderer ? renderer.renderMarkdown(visible, Math.max(20, columns - 2)) : visible;
  }, [text, columns, isReady]);
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
