/**
 * The target guard: may `overload run --target URL` send load to this URL? By default only to
 * loopback (127.0.0.0/8, ::1). It follows `research/target-guard.md` §3.3: parse once with WHATWG
 * `URL` and classify only its canonical host, with `net.isIP` (strict) and a `net.BlockList` —
 * never a hand-written address parser (CVE-2023-42282: `ip.isPublic('0x7f.1')`; CVE-2026-69192:
 * `012.0.0.1` read as decimal) — and pin the checked address for the whole run, so that nothing
 * re-resolves or rebinds (the load is sent to the IP literal, with the original Host header).
 *
 * Names: `localhost` and `*.localhost` map to 127.0.0.1 without asking the resolver (RFC 6761
 * §6.3; the hosts file is editable); any other name is refused before any DNS query, because the
 * query itself leaves the machine, unless an {@link Authorization} allows it, and then every
 * address it resolves to must be allowed (an allow-list entry and a flag naming it:
 * authorization.ts); {@link LOOPBACK_ONLY} is the default.
 *
 * https: the same pin, with the original name kept as the TLS server name (SNI, and the name the
 * certificate must hold: tls-check.ts), never an IP literal (RFC 6066 §3 forbids one in SNI).
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import type { CapsConfig } from '../config/scenario.ts';
import { OverloadError } from '../errors.ts';
import type { TargetTls } from '../report/schema.ts';
import type { TlsTrust } from './tls-check.ts';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
// check() also matches IPv4-mapped ::ffff:127.x.y.z against the IPv4 rule (research §3.2).
LOOPBACK.addAddress('::1', 'ipv6');

/** True for a canonical loopback address: 127.0.0.0/8, ::1 or ::ffff:127.x.y.z; never with a zone id. */
export function isLoopback(address: string): boolean {
  const family = net.isIP(address); // strict: '127.1', '0x7f.1', '[::1]' → 0, so odd spellings fail closed
  if (family === 0 || address.includes('%')) return false; // BlockList says yes to '::1%lo'
  return LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** What, beyond loopback, a run may target. */
export interface Authorization {
  /** Where the authorization came from, for the report (`loopback` by default). */
  readonly source: string;
  /** May this host name be resolved? Asked before any DNS query. */
  nameAllowed(name: string): boolean;
  /** May load be sent to this canonical address? */
  addressAllowed(address: string): boolean;
}

/** The default: loopback only; no name is resolved and no other address allowed. */
export const LOOPBACK_ONLY: Authorization = { source: 'loopback', nameAllowed: () => false, addressAllowed: () => false };

/** A target the guard accepted, with the address every connection of the run must use. */
export interface PinnedTarget {
  /** The URL as the user gave it, canonicalised by WHATWG `URL`. */
  url: string;
  /** The address checked and pinned: an IP literal, IPv4-mapped IPv6 unmapped (`::ffff:7f00:1` → 127.0.0.1). */
  address: string;
  port: number;
  /** The URL to send load to: the pinned IP literal instead of the name, same port, path and query. */
  pinnedUrl: string;
  /** The Host header to send (the original `host[:port]`), so a name-based virtual host still answers. */
  hostHeader: string;
  /**
   * https only: the host name for TLS (SNI, and the name the certificate is checked against);
   * absent for an IP literal, whose certificate must name the address instead.
   */
  serverName?: string;
  /** What authorized it. */
  authorizedBy: string;
  /** The caps its authorization set for a run against it (safety/target-caps.ts), where one did. */
  caps?: Partial<CapsConfig>;
  /** https only, once its certificate was checked (tls-check.ts): whom the run trusts, and what the target showed. */
  tls?: { trust: TlsTrust; peer: TargetTls };
}

/** A resolver with `dns.promises.lookup`'s shape for `{ all: true }`; injected in tests to count queries. */
export type Lookup = (name: string, options: { all: true; verbatim: true }) => Promise<LookupAddress[]>;

/**
 * Checks `input` and pins its address. Resolves only names the authorization allows, once.
 * @throws OverloadError `TARGET_REFUSED` (exit 2), before any connection or DNS query, naming
 * what the host parsed to, the rule, and how to target a service the user owns.
 */
export async function pinTarget(input: string, authorization: Authorization = LOOPBACK_ONLY, lookup: Lookup = dnsLookup): Promise<PinnedTarget> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refused(input, 'it is not an absolute URL', /^[\w.-]+:\d+/.test(input) ? `write it with its scheme: http://${input}` : 'write it as http://127.0.0.1:PORT/path');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // WHATWG reads `localhost:3000` as the scheme `localhost:`: say what was meant.
    const hint = /^[\w.-]+:\d+/.test(input) ? `write it with its scheme: http://${input}` : 'load an HTTP service: http://127.0.0.1:PORT/path';
    throw refused(input, `the scheme ${url.protocol} is not http: or https:`, hint);
  }
  if (url.username !== '' || url.password !== '') {
    throw refused(input, 'it carries credentials (user:password@); the host a reader sees is not always the one connected to', 'remove them from the URL');
  }
  // WHATWG keeps a path of `//host/…` (from `//`, `/\`, `/.//`): resolved against a base it names another host.
  if (url.pathname.startsWith('//')) {
    throw refused(input, `its path ${url.pathname} starts with //, which a URL parser reads as another host`, `write the path with one leading slash: ${url.origin}/${url.pathname.replace(/^\/+/, '')}`);
  }
  const https = url.protocol === 'https:';
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
  if (port === 0) throw refused(input, 'port 0 is no port a service listens on', 'name the port your service listens on, e.g. http://127.0.0.1:3000/');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;

  let addresses: string[];
  // A trailing dot is the same DNS name (and not one a certificate holds).
  const name = net.isIP(host) === 0 && host.endsWith('.') ? host.slice(0, -1) : host;
  if (net.isIP(host) !== 0) {
    addresses = [host]; // already canonical: WHATWG turned 0x7f.1 into 127.0.0.1
  } else {
    if (name === 'localhost' || name.endsWith('.localhost')) {
      addresses = ['127.0.0.1'];
    } else if (!authorization.nameAllowed(name)) {
      throw refused(input, `the host name ${name} is not loopback and not authorized; it was refused before any DNS query (the query itself would leave the machine)`, AUTHORIZE_HINT);
    } else {
      addresses = await resolveAll(input, name, lookup);
    }
  }
  if (addresses.length === 0) throw refused(input, `${host} resolved to no address`, AUTHORIZE_HINT);
  for (const address of addresses) {
    if (address === '0.0.0.0' || address === '::' || address === '::ffff:0:0') {
      throw refused(input, `${address} is the unspecified address, not a destination (RFC 1122 §3.2.1.3)`, 'use 127.0.0.1');
    }
    if (!isLoopback(address) && !authorization.addressAllowed(address)) {
      throw refused(input, `the host parsed to ${address}, which is not loopback (127.0.0.0/8, ::1) and not authorized`, AUTHORIZE_HINT);
    }
  }
  const address = unmapped(addresses[0] ?? '');
  const pinned = new URL(url.href);
  pinned.hostname = net.isIP(address) === 6 ? `[${address}]` : address;
  return {
    url: url.href,
    address,
    port,
    pinnedUrl: pinned.href,
    hostHeader: url.host,
    ...(https && net.isIP(name) === 0 ? { serverName: name } : {}),
    authorizedBy: addresses.every(isLoopback) ? 'loopback' : authorization.source,
  };
}

const AUTHORIZE_HINT =
  'overload loads only services on this machine by default: start yours on 127.0.0.1 (or localhost) and pass --target http://127.0.0.1:PORT/; targets beyond loopback need an explicit authorization of a service you own';

async function resolveAll(input: string, name: string, lookup: Lookup): Promise<string[]> {
  try {
    return (await lookup(name, { all: true, verbatim: true })).map((answer) => answer.address);
  } catch (error) {
    throw refused(input, `${name} could not be resolved (${error instanceof Error ? error.message : String(error)})`, 'check the name, or pass the address itself');
  }
}

/** `::ffff:7f00:1` → `127.0.0.1`: the kernel connects the mapped address to the IPv4 one; reports read better. */
function unmapped(address: string): string {
  const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (match === null) return address;
  const high = Number.parseInt(match[1] ?? '0', 16);
  const low = Number.parseInt(match[2] ?? '0', 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function refused(input: string, why: string, hint: string): OverloadError {
  return new OverloadError('TARGET_REFUSED', `--target ${JSON.stringify(input)} refused: ${why}.`, { hint });
}
