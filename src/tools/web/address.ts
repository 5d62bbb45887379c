import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/**
 * How web_fetch finds a host's addresses.
 * Contract: `lookup` resolves every address of a host name (never an IP
 * literal), or rejects when there is none; whatever it returns is checked
 * before any socket opens.
 */
export interface WebNetwork {
  lookup(hostname: string, signal: AbortSignal): Promise<ResolvedAddress[]>;
  /**
   * Test seam: where a socket for a checked address really connects. Tests
   * route a checked public address to a loopback server; shoal itself never
   * sets it, so the socket goes to exactly the address that was checked.
   */
  routeTo?(checkedAddress: string): string;
}

/** The system resolver (`dns.lookup`, as every other program on the machine resolves names). */
export const systemNetwork: WebNetwork = {
  lookup: (hostname) => lookup(hostname, { all: true, verbatim: true }),
};

// ipaddr.js range names as a person reads them; every range but plain unicast is refused.
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address (this machine)',
  carrierGradeNat: 'a carrier-grade NAT address (RFC 6598)',
  private: 'a private network address (RFC 1918)',
  uniqueLocal: 'a unique-local IPv6 address (a private network)',
  reserved: 'a reserved address',
};

/**
 * Why `address` is not a public internet address, e.g. "a loopback address
 * (this machine)", or undefined when it is public. IPv4-mapped IPv6 addresses
 * are judged as the IPv4 address they carry; every range other than plain
 * unicast (NAT64, 6to4 and Teredo included, which can wrap a private address) is refused.
 */
export function nonPublicReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (parsed.toString() === '169.254.169.254') return 'the cloud metadata address (link-local)';
  return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
}

/** The URL host without IPv6 brackets, as `net.isIP` and the resolver want it. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why a host is refused: the message tells the model not to look for another way in. */
export function privateAddressError(options: { url: string; address: string; reason: string }): Error {
  return new Error(
    `${options.url} points to ${options.address}, ${options.reason}; web_fetch reads only the public internet. ` +
      'Do not try to reach it another way (another name, a redirect, bash). If the user wants local or private servers fetched, ' +
      'they can set "webAllowPrivate": true in their shoal config.',
  );
}

/**
 * The address to connect to for `url`'s host: an IP literal as it is, a name
 * through `network.lookup`. Every address the name has must be public (unless
 * `isPrivateAllowed`), so a name with one public and one private answer is refused
 * whichever the socket would pick.
 */
export async function resolveCheckedAddress(options: {
  url: URL;
  network: WebNetwork;
  isPrivateAllowed: boolean;
  signal: AbortSignal;
}): Promise<ResolvedAddress> {
  const host = bareHost(options.url);
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) addresses = [{ address: host, family }];
  else {
    try {
      addresses = await untilAborted(options.network.lookup(host, options.signal), options.signal);
    } catch (error) {
      if (options.signal.aborted) throw error;
      throw new Error(`${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'no address'}). Check the host name; do not guess others.`);
    }
    if (addresses.length === 0) throw new Error(`${host} has no address. Check the host name; do not guess others.`);
  }
  if (!options.isPrivateAllowed) {
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason !== undefined) throw privateAddressError({ url: options.url.href, address, reason });
    }
  }
  return addresses[0]!;
}

// dns.lookup cannot be cancelled: stop waiting for it when the fetch times out or is interrupted.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
