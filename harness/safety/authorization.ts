/**
 * Targets beyond loopback, by two keys (issue 7; research/target-guard.md §4): an entry in an
 * allow-list file the target's owner keeps (`--authorize FILE`), and a flag naming that same entry
 * (`--authorize-target NAME`). Neither key alone widens anything, and no environment variable
 * does. An entry names the host and port, the addresses that host may be (IPs or CIDRs: a name is
 * resolved once and every answer must lie inside them), the caps of a run against it, an expiry
 * date past which it is dead, and who asked for it and why, which the report records.
 *
 * ```json
 * { "targets": [ { "name": "lab", "host": "10.1.2.3", "port": 8080, "addresses": ["10.1.2.3"],
 *     "caps": { "maxConnections": 16, "maxRps": 200 }, "expires": "2027-01-31",
 *     "owner": "capacity team", "reason": "staging check before launch" } ] }
 * ```
 * Pure: the file's text and today's date in, an {@link Authorization} out.
 */
import net from 'node:net';
import { z } from 'zod';
import type { CapsConfig } from '../config/scenario.ts';
import { OverloadError, type Problem } from '../errors.ts';
import { CAP_CEILINGS } from './target-caps.ts';
import type { Authorization } from './target-guard.ts';

/** One allow-list entry, as the file holds it. */
export interface TargetEntry {
  name: string;
  host: string;
  port: number;
  addresses: string[];
  caps: Partial<CapsConfig>;
  /** The last day the entry is alive, `YYYY-MM-DD` (UTC). */
  expires: string;
  owner: string;
  reason: string;
}

/** An authorization from one live entry: the guard's questions, and the caps of the run. */
export interface EntryAuthorization extends Authorization {
  entry: TargetEntry;
  caps: Partial<CapsConfig>;
}

const cap = (ceiling: number) => z.number().int().gte(1).lte(ceiling).exactOptional();
const entrySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  host: z.string().min(1),
  port: z.number().int().gte(1).lte(65_535),
  addresses: z.array(z.string().refine((value) => parseRange(value) !== null)).min(1),
  caps: z
    .strictObject({
      maxConnections: cap(CAP_CEILINGS.maxConnections),
      maxRps: cap(CAP_CEILINGS.maxRps),
      maxDurationS: cap(CAP_CEILINGS.maxDurationS),
      maxRequests: cap(CAP_CEILINGS.maxRequests),
    })
    .default({}),
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`))),
  owner: z.string().min(1),
  reason: z.string().min(1),
});
const fileSchema = z.strictObject({ targets: z.array(entrySchema) });

/** What each field must be, for the problems of a bad file. */
const FIELD_RULES: Record<string, string> = {
  name: 'must be lowercase letters, digits and dashes',
  host: 'must be the host of the target URL (an address or a name)',
  port: 'must be a port from 1 to 65535',
  addresses: 'must be a non-empty list of IP addresses or CIDRs no wider than /16 (IPv4) or /48 (IPv6): 10.1.2.3, 10.1.2.0/24, fd00::/64',
  caps: `must hold only maxConnections (≤ ${CAP_CEILINGS.maxConnections}), maxRps (≤ ${CAP_CEILINGS.maxRps}), maxDurationS (≤ ${CAP_CEILINGS.maxDurationS}) and maxRequests (≤ ${CAP_CEILINGS.maxRequests}), whole numbers from 1: the ceilings in code`,
  expires: 'must be the last day of the authorization, YYYY-MM-DD',
  owner: 'must say who owns the target',
  reason: 'must say why it may be loaded',
};

/**
 * Reads the allow-list file's text.
 * @throws OverloadError `USAGE` listing every problem with its path.
 */
export function parseTargetsFile(text: string, file: string): TargetEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OverloadError('USAGE', `--authorize ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`, { hint: EXAMPLE_HINT });
  }
  const parsed = fileSchema.safeParse(json);
  if (parsed.success) return parsed.data.targets;
  const problems: Problem[] = [];
  for (const issue of parsed.error.issues) {
    const [, index, field] = issue.path;
    const path = issue.path.length === 0 ? '' : issue.path.slice(0, 3).map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
    if (problems.some((problem) => problem.path === path)) continue;
    const rule = typeof field === 'string' ? FIELD_RULES[field] : undefined;
    const message = issue.code === 'unrecognized_keys' ? `has unknown fields: ${issue.keys.join(', ')}` : (rule ?? (index === undefined ? 'must be { "targets": [ … ] }' : 'must be an entry object'));
    problems.push({ path, message });
  }
  throw new OverloadError('USAGE', `--authorize ${file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`, { problems, hint: EXAMPLE_HINT });
}

const EXAMPLE_HINT =
  'an entry reads { "name": "lab", "host": "10.1.2.3", "port": 8080, "addresses": ["10.1.2.3"], "expires": "2027-01-31", "owner": "…", "reason": "…" } in { "targets": [ … ] }';

/**
 * The authorization of entry `name` for `targetUrl`, on `today` (UTC `YYYY-MM-DD`).
 * @throws OverloadError `TARGET_REFUSED` (exit 2) when the entry is missing, dead, or for another
 *   host or port, naming what differs and the fix.
 */
export function authorizeEntry(entries: readonly TargetEntry[], name: string, targetUrl: string, today: string, file: string): EntryAuthorization {
  const refuse = (why: string, hint: string): never => {
    throw new OverloadError('TARGET_REFUSED', `--authorize-target ${name} refused: ${why}.`, { hint });
  };
  const entry = entries.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    return refuse(`${file} has no entry named ${name}`, entries.length === 0 ? `add one for your target to ${file}` : `name one of its entries: ${entries.map((candidate) => candidate.name).join(', ')}`);
  }
  if (entry.expires < today) return refuse(`the entry expired on ${entry.expires}`, `ask the target's owner (${entry.owner}) to renew it in ${file}`);
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return refuse(`the target ${targetUrl} is not an absolute URL`, `write it as http://${entry.host}:${entry.port}/path`);
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname.replace(/\.$/, '');
  const entryHost = canonicalHost(entry.host);
  const port = url.port === '' ? 80 : Number(url.port);
  if (host !== entryHost || port !== entry.port) {
    return refuse(`the entry is for ${entryHost}:${entry.port}, the target is ${host}:${port}`, `pass --target http://${entry.host}:${entry.port}/…, or the entry for this target`);
  }
  const ranges = entry.addresses.map((value) => parseRange(value)).filter((range) => range !== null);
  const allowed = new net.BlockList();
  for (const range of ranges) allowed.addSubnet(range.address, range.prefix, range.family);
  return {
    source: `${file}#${entry.name} (owner ${entry.owner}; expires ${entry.expires})`,
    nameAllowed: (candidate) => net.isIP(entryHost) === 0 && candidate === entryHost,
    addressAllowed: (address) => {
      const family = net.isIP(address);
      return family !== 0 && !address.includes('%') && allowed.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
    entry,
    caps: entry.caps,
  };
}

/** The host as WHATWG canonicalises it (`LAB.example.` → `lab.example`), brackets off an IPv6 literal. */
function canonicalHost(host: string): string {
  try {
    const hostname = new URL(`http://${net.isIP(host) === 6 ? `[${host}]` : host}/`).hostname;
    return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname.replace(/\.$/, '');
  } catch {
    return host;
  }
}

/** `10.1.2.3` → /32, `10.1.2.0/24`, `fd00::/64`; null when it is neither an address nor a CIDR. */
function parseRange(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = value.split('/');
  if (extra !== undefined) return null;
  const family = net.isIP(address);
  if (family === 0) return null;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  // A range wider than a /16 (IPv4) or a /48 (IPv6) is no longer "the target's addresses".
  const widest = family === 4 ? 16 : 48;
  if (!Number.isInteger(prefix) || prefix < widest || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return null;
  return { address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}
