/**
 * The entries of `timeline.events` (scenario.ts `TimelineEvent`): what happens at a set time of a
 * timeline scenario. An address a DNS event points at must be a loopback one (127.0.0.0/8): the
 * gateway connects there, and nothing of a run may leave the machine.
 */
import { BlockList, isIPv4 } from 'node:net';
import { z } from 'zod';

const LOOPBACK_V4 = new BlockList();
LOOPBACK_V4.addSubnet('127.0.0.0', 8, 'ipv4');

/** True for a dotted-quad IPv4 address in 127.0.0.0/8. */
export function isLoopbackV4(address: string): boolean {
  return isIPv4(address) && LOOPBACK_V4.check(address, 'ipv4');
}

const atMs = z.number().int().gte(0);
/** One event; its output is assignable to scenario.ts `TimelineEvent`. */
export const timelineEvent = z.union([
  z.strictObject({ atMs, action: z.literal('stop-upstream') }),
  z.strictObject({ atMs, action: z.literal('start-upstream') }),
  z.strictObject({ atMs, action: z.literal('set-dns'), address: z.string().refine(isLoopbackV4).nullable() }),
  z.strictObject({ atMs, action: z.literal('set-load'), offered: z.number().gt(0) }),
]);

/** The rule for an event, as a problem's message. */
export const TIMELINE_EVENT_MUST =
  "must be { atMs, action: 'stop-upstream' | 'start-upstream' }, { atMs, action: 'set-dns', address: '127.x.y.z' | null } or { atMs, action: 'set-load', offered: n > 0 }, with atMs a whole number of ms from 0";
