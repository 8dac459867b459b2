/**
 * The default scenario (`npm start`): C = 4 workers, S = 10 ms fixed, Q = 16, and an upstream that
 * resets what it cannot queue. In the closed model no request is shed while N ≤ C + Q connections,
 * so the first 502s (all `upstream_reset`) come at N = C + Q + 1 = 21 (DESIGN.md §4, theory;
 * measured behind nginx: 0 502s at 20 connections, 9,570 at 24).
 */
import { defineScenario } from '../harness/config/scenario.ts';

export default defineScenario({
  name: 'overload',
  description:
    'C = 4, S = 10 ms, Q = 16, shed by reset: 502s (upstream_reset) start at C + Q + 1 = 21 connections. In production: 502s that appear only above some concurrency and grow with load; nginx logs "recv() failed (104: Connection reset by peer)"',
  model: 'closed',
  upstream: { workers: 4, serviceMs: 10, serviceDistribution: 'fixed', queue: 16, shed: 'reset' },
  // Judged against theory rather than the number 21, so `--set upstream.workers=…`,
  // `--set upstream.queue=…` or another shed mode still check the harness against the model.
  expect: [{ onsetMatchesTheory: true }],
  behind: {
    haproxy: {
      note: 'HAProxy logs a reset and a clean close of the upstream connection alike (SH: the server aborted before sending its full headers), so its cause is upstream_closed; and a failure on a reused client connection is closed without an answer or a log line (http_ana.c, abort_keep_alive), which the client counts as lost.',
    },
  },
});
