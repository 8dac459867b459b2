/**
 * An external target (`overload run --target URL`) in the place of the fixtures: nothing is
 * started, the load goes to the address the target guard pinned (an IP literal, with the
 * original Host header and, over https, the original name for TLS), and there are no counters to read, so each step is judged on what the
 * client saw alone. With the user's gateway log (`--gateway-log`), the causes of each step are
 * the failures that log gained during it.
 */
import type { Scenario } from '../config/scenario.ts';
import { LogTailStats } from '../gateways/log-stats.ts';
import type { LogFormat } from '../logs/log-line.ts';
import { LOG_PARSERS } from '../logs/parsers.ts';
import { capForTarget } from '../safety/target-caps.ts';
import type { PinnedTarget } from '../safety/target-guard.ts';
import { pinnedTlsOptions } from '../safety/tls-check.ts';
import type { FixtureLauncher } from './launch.ts';

/** The user's own gateway log, read during a target run: its path, and its format when given (detected otherwise). */
export interface GatewayLogOption {
  path: string;
  format: LogFormat | null;
}

/** A launcher that starts nothing and hands out the pinned target; `logFormat()` says what the last trial's log read as. */
export function targetLauncher(target: PinnedTarget, gatewayLog?: GatewayLogOption): FixtureLauncher & { logFormat(): LogFormat | null } {
  const pinned = new URL(target.pinnedUrl);
  let tail: LogTailStats | null = null;
  return {
    start: () => {
      // From the log's end as this trial starts: what the gateway logged before is not this run's.
      tail = gatewayLog === undefined ? null : new LogTailStats(gatewayLog.path, gatewayLog.format === null ? 'detect' : LOG_PARSERS[gatewayLog.format], { from: 'end' });
      return Promise.resolve({
        gatewayUrl: pinned.origin,
        upstreamUrl: '',
        gateway: tail,
        upstream: null,
        hostHeader: target.hostHeader,
        ...(target.tls === undefined ? {} : { tls: pinnedTlsOptions(target, target.tls.trust) }),
        // The user's gateway marks nothing: every response with a criterion status counts.
        unmarked: true,
        stop: () => Promise.resolve(),
      });
    },
    logFormat: () => tail?.format ?? gatewayLog?.format ?? null,
  };
}

/**
 * The scenario against the target: the URL's path and query as `load.path` (the URL says what to
 * request), and the caps of an external target (safety/target-caps.ts).
 * @throws OverloadError `USAGE` when the plan starts above those caps.
 */
export function scenarioForTarget(scenario: Scenario, target: PinnedTarget): Scenario {
  const url = new URL(target.url);
  return capForTarget({ ...scenario, load: { ...scenario.load, path: `${url.pathname}${url.search}` } }, target.caps);
}
