/** What stands in for a hidden credential. */
const HIDDEN = '***';

/**
 * `url` as it is safe to print: the user name and password, and the value of
 * every query parameter (`?key=...` often carries an API key), become `***`.
 * Text that does not parse as a URL loses anything between `//` and `@`.
 */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/\s@]*@/g, `//${HIDDEN}@`).replace(/([?&][^=&#\s]+=)[^&#\s]*/g, `$1${HIDDEN}`);
  }
  const auth = parsed.username || parsed.password ? `${HIDDEN}${parsed.password ? `:${HIDDEN}` : ''}@` : '';
  const names = [...new Set(parsed.searchParams.keys())];
  // Built by hand: URLSearchParams would percent-encode the stars.
  const search = names.length > 0 ? `?${names.map((name) => `${encodeURIComponent(name)}=${HIDDEN}`).join('&')}` : '';
  const slash = parsed.pathname === '/' && !url.replace(/[?#].*$/, '').endsWith('/') ? '' : parsed.pathname;
  return `${parsed.protocol}//${auth}${parsed.host}${slash}${search}${parsed.hash}`;
}

/** `text` with every http(s) URL in it passed through `maskUrl`, for messages that may quote one (server errors, fetch failures). */
export function maskUrlsIn(text: string): string {
  // Punctuation ending a sentence is not part of the URL.
  return text.replace(/https?:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)\]]/g, (url) => maskUrl(url));
}
