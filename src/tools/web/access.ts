/**
 * Which domains web_fetch may read without asking. One object per session,
 * shared by the phase classifier (an allowed domain's fetch joins the
 * read-only batch) and the approval policy (it runs without a prompt), so the
 * two can never disagree.
 */
export interface WebAccess {
  /** True when fetching `host` needs no approval: every domain is allowed, a configured pattern matches, or the user allowed it this session. */
  isAllowed(host: string): boolean;
  /** Allows exactly `host` (not its subdomains) for the rest of the session: the user's `a` on a fetch prompt. */
  allowForSession(host: string): void;
  /** True when loopback, link-local and private addresses may be fetched (`webAllowPrivate`). */
  readonly isPrivateAllowed: boolean;
}

/**
 * A session's web access: `domains` are config patterns (`docs.python.org`
 * matches that host; `*.mozilla.org` matches its subdomains, not mozilla.org
 * itself); `isEveryDomainAllowed` is `--allow web_fetch`.
 */
export function createWebAccess(options: { domains?: readonly string[]; isEveryDomainAllowed?: boolean; isPrivateAllowed?: boolean } = {}): WebAccess {
  const patterns = (options.domains ?? []).map(normaliseHost);
  const session = new Set<string>();
  return {
    isAllowed(host) {
      const name = normaliseHost(host);
      return Boolean(options.isEveryDomainAllowed) || session.has(name) || patterns.some((pattern) => matchesDomain(name, pattern));
    },
    allowForSession(host) {
      session.add(normaliseHost(host));
    },
    isPrivateAllowed: Boolean(options.isPrivateAllowed),
  };
}

/** True when `host` is `pattern`, or a subdomain of it when the pattern starts with `*.` (whole labels: `*.a.org` never matches `evila.org`). */
export function matchesDomain(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

// URL.hostname is already lower case and punycoded; a trailing dot names the same host.
function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}
