import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';

/** A page as markdown: its title, and whether Readability found an article or the whole body was converted. */
export interface PageMarkdown {
  title: string;
  markdown: string;
  isArticle: boolean;
}

/**
 * Converts an HTML page to markdown: the article Readability finds (the
 * page's main text, without navigation and ads), or the whole body when it
 * finds none. Links and images are made absolute against `pageUrl`; code
 * blocks stay fenced; scripts, styles and forms are dropped. Nothing on the page runs.
 */
export function htmlToMarkdown(html: string, pageUrl: string): PageMarkdown {
  const { document } = parseHTML(html);
  absolutise(document, pageUrl);
  const pageTitle = (document.title ?? '').trim();
  let article: ReturnType<Readability['parse']> = null;
  try {
    // Readability changes the document it reads; the original stays for the fallback.
    // Past this many elements Readability throws (and the whole body is converted): its time grows fast with the page.
    article = new Readability(document.cloneNode(true) as unknown as Document, { maxElemsToParse: 20_000 }).parse();
  } catch {
    article = null;
  }
  const turndown = createTurndown();
  if (article?.content && (article.textContent ?? '').trim().length > 0) {
    return { title: (article.title ?? pageTitle).trim(), markdown: tidy(turndown.turndown(article.content)), isArticle: true };
  }
  const body = document.body as unknown as HTMLElement | null;
  return { title: pageTitle, markdown: body ? tidy(turndown.turndown(body)) : '', isArticle: false };
}

function createTurndown(): TurndownService {
  const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  turndown.remove(['script', 'style', 'noscript', 'template', 'iframe', 'form', 'button', 'select', 'svg'] as TurndownService.Filter);
  return turndown;
}

// Relative links mean nothing to the model once the page is text; script links mean nothing at all.
function absolutise(document: ReturnType<typeof parseHTML>['document'], pageUrl: string): void {
  for (const [selector, attribute] of [['a[href]', 'href'], ['img[src]', 'src']] as const) {
    for (const element of document.querySelectorAll(selector)) {
      const value = element.getAttribute(attribute) ?? '';
      let absolute: URL | undefined;
      try {
        absolute = new URL(value, pageUrl);
      } catch {
        absolute = undefined;
      }
      if (absolute && /^(https?|mailto):$/.test(absolute.protocol)) element.setAttribute(attribute, absolute.href);
      else element.removeAttribute(attribute);
    }
  }
}

function tidy(markdown: string): string {
  return markdown.replace(/\n{3,}/g, '\n\n').trim();
}
