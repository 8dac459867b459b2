/**
 * A timeline's planned arrival rate over time, from its steady `offered` and its `set-load`
 * events: what the open-loop driver plans its arrivals from, and what the explanation compares
 * the goodput with after a drop. Pure.
 */
import type { Scenario } from './scenario.ts';

/**
 * The arrival rate over the timeline: the steady `offered` from 0, then each `set-load` event's,
 * in time order (the open-loop driver plans its arrivals from these).
 */
export function rateProfile(timeline: Pick<Scenario['timeline'], 'offered' | 'events'>): { atMs: number; rateRps: number }[] {
  const changes = timeline.events.flatMap((event) => (event.action === 'set-load' ? [{ atMs: event.atMs, rateRps: event.offered }] : []));
  return [{ atMs: 0, rateRps: timeline.offered }, ...changes.sort((a, b) => a.atMs - b.atMs)];
}

