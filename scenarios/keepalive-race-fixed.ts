/**
 * `keepalive-race` with the timeouts the right way round: the upstream keeps idle connections
 * 65 s, longer than the gateway's 60 s, so the gateway always drops an idle connection before the
 * upstream would close it, and a reused connection is never one the upstream is closing. Same
 * load, same relay: zero failures.
 */
import { defineScenario } from '../harness/config/scenario.ts';
import race from './keepalive-race.ts';

export default defineScenario({
  ...race,
  name: 'keepalive-race-fixed',
  description:
    "keepalive-race with the upstream's keep-alive timeout (65 s) above the gateway's idle timeout (60 s), as AWS, nginx and Envoy advise: the same low, bursty POSTs, and not one 502",
  upstream: { ...race.upstream, keepAliveTimeoutMs: 65_000 },
  expect: [{ noFailuresBeforeMs: race.timeline.durationMs }, { failureWindows: { min: 0, max: 0 } }],
  // The race's readings behind nginx and HAProxy are about losing it; fixed, no gateway loses it.
  behind: {},
});
