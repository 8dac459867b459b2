/**
 * An external target (`overload run --target URL`) in the place of the fixtures: nothing is
 * started, the load goes to the address the target guard pinned (an IP literal, with the
 * original Host header), and there are no counters to read, so each step is judged on what the
 * client saw alone.
 */
import type { Scenario } from '../config/scenario.ts';
import type { PinnedTarget } from '../safety/target-guard.ts';
import type { FixtureLauncher } from './launch.ts';

/** A launcher that starts nothing and hands out the pinned target. */
export function targetLauncher(target: PinnedTarget): FixtureLauncher {
  const pinned = new URL(target.pinnedUrl);
  return {
    start: () =>
      Promise.resolve({
        gatewayUrl: pinned.origin,
        upstreamUrl: '',
        gateway: null,
        upstream: null,
        hostHeader: target.hostHeader,
        stop: () => Promise.resolve(),
      }),
  };
}

/** The scenario with the target's path and query as `load.path`: the URL says what to request. */
export function scenarioForTarget(scenario: Scenario, target: PinnedTarget): Scenario {
  const url = new URL(target.url);
  return { ...scenario, load: { ...scenario.load, path: `${url.pathname}${url.search}` } };
}
