import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

let renderer: Marked | undefined;

/** Renders markdown to terminal text: styled headings, lists, and code blocks with syntax highlighting. */
export function renderMarkdown(text: string, width: number): string {
  renderer ??= new Marked(
    markedTerminal({ showSectionPrefix: false, reflowText: false, tab: 2, width, emoji: false }, { ignoreIllegals: true }),
    {
      renderer: {
        // marked-terminal prints a tight list item's text raw; parse its inline marks (bold, code, links).
        text(token) {
          return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
        },
      },
    },
  );
  try {
    return (renderer.parse(text, { async: false }) as string).replace(/\n+$/, '');
  } catch {
    // Half-streamed markdown can be malformed; plain text is better than nothing.
    return text;
  }
}
