declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';
  /** Renders markdown to ANSI-styled terminal text (headings, lists, highlighted code). */
  export function markedTerminal(options?: Record<string, unknown>, highlightOptions?: Record<string, unknown>): MarkedExtension;
}
