import assert from 'node:assert/strict';
import { CAUSE_MEANINGS, causeTotals, clientFailures, describeClientFailures, dominantCause, explain, stepAgreement, type ExplainInput } from '../../harness/report/explain.ts';
import type { Theory } from '../../harness/report/schema.ts';

const criterion = { failureRatio: 0.01, statuses: [502] };
const theory = (onset: number | null): Theory => ({ serviceMsMeasured: 10, capacityRps: 400, onset, basis: 'BASIS.', limitedBy: 'upstream' });
const step = (offered: number, status: Record<string, number> = { '200': 100 }, valid = true) => ({ offered, status, valid });

function input(overrides: Partial<ExplainInput>): ExplainInput {
  return {
    onset: null,
    unit: 'connections',
    onsetNote: null,
    causes: {},
    status: {},
    theory: null,
    steps: [step(16), step(32), step(64)],
    criterion,
    ...overrides,
  };
}

const RESET = "98.7 % of the gateway's failures were upstream_reset: the upstream reset the connection (TCP RST) instead of answering, which nginx reports as `recv() failed (104: Connection reset by peer)` and answers with 502.";

describe('explain: an external target', () => {
  const onset = { value: 21, low: 20, high: 21, criterion };
  const steps = [step(16), step(21, { '200': 50, '502': 50 })];

  it('says the client saw the failures, and where the causes would be', () => {
    assert.deepEqual(explain(input({ onset, steps, target: true })), [
      'The target began failing requests at 21 connections: the client saw 502 ×50.',
      "Against an external target overload sees only what the client sees; the gateway's own error log says which hop failed and why (pass it with --gateway-log).",
    ]);
  });

  it('names the gateway log the causes came from, and that nginx logs each attempt', () => {
    const sentences = explain(input({ onset, steps, target: true, causes: { upstream_reset: 50 }, gatewayLog: { path: '/var/log/nginx/error.log', format: 'nginx' } }));
    assert.equal(
      sentences[1],
      "The causes come from the gateway's nginx error log /var/log/nginx/error.log: 50 upstream failures logged during the steps (nginx logs each failed attempt, so a request it retried counts once per attempt).",
    );
    assert.match(sentences[2] ?? '', /^100 % of the gateway's failures were upstream_reset: /);
  });

  it('says so when no line of the log had a format it knows', () => {
    const sentences = explain(input({ onset, steps, target: true, gatewayLog: { path: 'app.log', format: null } }));
    assert.match(sentences[1] ?? '', /^The gateway log app\.log gave no cause: none of its lines written during the run had the shape of an nginx error log or an HAProxy HTTP log/);
  });
});

describe('explain', () => {
  it('states the onset beside the theory, then each cause, largest first', () => {
    const sentences = explain(input({
      onset: { value: 21, low: 20, high: 21, criterion },
      causes: { gateway_overflow: 126, upstream_reset: 9570 },
      theory: theory(21),
    }));
    assert.deepEqual(sentences, [
      'The gateway began returning 502s at 21 connections (theory: 21).',
      RESET,
      `1.3 % were gateway_overflow: ${CAUSE_MEANINGS.gateway_overflow}`,
    ]);
  });

  it("lists every criterion status in the onset sentence, and leaves the theory out when there is none", () => {
    const sentences = explain(input({ onset: { value: 21, low: 20, high: 21, criterion: { failureRatio: 0.01, statuses: [502, 503] } } }));
    assert.deepEqual(sentences, ['The gateway began returning 502s and 503s at 21 connections.']);
  });

  it('says so when the measured onset is above the theory', () => {
    const sentences = explain(input({ onset: { value: 24, low: 23, high: 24 }, theory: theory(21) }));
    assert.deepEqual(sentences, [
      'The gateway began returning 502s at 24 connections (theory: 21).',
      "The measured onset (24 connections) is 3 connections above the theory's 21 connections: the failures came later than the model predicts (steps shorter than steady state under-report them near the onset, DESIGN.md §4).",
    ]);
  });

  it('says so when the measured open-model onset is more than 5 % below the theory', () => {
    const sentences = explain(input({ unit: 'rps', onset: { value: 380, low: 375, high: 380 }, theory: theory(404), steps: [step(400)] }));
    assert.equal(sentences[1], "The measured onset (380 req/s) is 5.9 % below the theory's 404 req/s: something failed before the modelled limit (see the causes).");
  });

  it('accepts an open-model onset within 5 % of the theory', () => {
    assert.equal(explain(input({ unit: 'rps', onset: { value: 395, low: 390, high: 395 }, theory: theory(404), steps: [step(400)] })).length, 1);
  });

  it('says so when the theory predicted no onset and one was measured', () => {
    const sentences = explain(input({ onset: { value: 21, low: 20, high: 21 }, theory: theory(null) }));
    assert.deepEqual(sentences, [
      'The gateway began returning 502s at 21 connections (theory: no onset predicted).',
      'The measurement disagrees with the theory, which predicted no onset: BASIS.',
    ]);
  });

  it('explains 504s without any 502 as the gateway timer firing', () => {
    const sentences = explain(input({ causes: { upstream_timeout: 1234 }, status: { '200': 5000, '504': 1234 } }));
    assert.deepEqual(sentences, [
      "No 502 up to 64 connections: the upstream kept the excess requests without answering, so the gateway's timer fired and it answered 504 (upstream_timeout) 1,234 times.",
      `100 % of the gateway's failures were upstream_timeout: ${CAUSE_MEANINGS.upstream_timeout}`,
    ]);
  });

  it("explains passed-through 503s from the lowest step that saw one, and adds the search's note", () => {
    const sentences = explain(input({
      status: { '200': 9000, '503': 5678 },
      steps: [step(16), step(21, { '200': 50, '503': 100 }), step(64, { '200': 50, '503': 5578 })],
      onsetNote: 'No step failed up to 64 connections.',
    }));
    assert.deepEqual(sentences, [
      "No 502 up to 64 connections: the upstream answered 503 itself 5,678 times from 21 connections on; the gateway passed them through (an upstream's 503 is not a gateway failure).",
      'No step failed up to 64 connections.',
    ]);
  });

  it('gives both reasons, the larger first, when 503s and 504s came without a 502', () => {
    const sentences = explain(input({
      causes: { upstream_timeout: 10 },
      status: { '503': 20, '504': 10 },
      steps: [step(16), step(64, { '503': 20, '504': 10 })],
    }));
    assert.deepEqual(sentences.slice(0, 2), [
      "No 502 up to 64 connections: the upstream answered 503 itself 20 times from 64 connections on; the gateway passed them through (an upstream's 503 is not a gateway failure).",
      "The upstream kept the excess requests without answering, so the gateway's timer fired and it answered 504 (upstream_timeout) 10 times.",
    ]);
  });

  it('says when the gateway failed nothing at all', () => {
    assert.deepEqual(explain(input({ status: { '200': 100 } })), ['No 502 up to 64 connections, and the gateway failed no request.']);
  });

  it('says when 502s were seen but no step reached the criterion', () => {
    assert.deepEqual(explain(input({ status: { '200': 10_000, '502': 12 }, causes: { upstream_reset: 12 } })).slice(0, 1), [
      'No step reached the failure criterion (1 %) up to 64 connections, though the client saw 502 12 times.',
    ]);
  });

  it('says when the theory predicted an onset inside the measured range but none was found', () => {
    assert.deepEqual(explain(input({ theory: theory(21) })), [
      'No 502 up to 64 connections, and the gateway failed no request.',
      'The theory predicted an onset at 21 connections, but none was measured up to 64 connections.',
    ]);
  });

  it('counts invalid steps and names the first', () => {
    const sentences = explain(input({ steps: [step(16), step(32, {}, false), step(64, {}, false)] }));
    assert.equal(sentences.at(-1), '2 of 3 steps were invalid and not judged: the load generator, not the gateway, was the bottleneck (first at 32 connections).');
  });

  it('has a sentence for an unknown cause code', () => {
    assert.deepEqual(explain(input({ causes: { upstream_weird: 3 }, status: { '200': 1 } })).slice(1), [
      "100 % of the gateway's failures were upstream_weird: a cause this version of overload has no description for.",
    ]);
  });

  it('says when no step was measured', () => {
    assert.deepEqual(explain(input({ steps: [] })), ['No step was measured.']);
  });
});

describe('cause totals', () => {
  it('sums causes over steps, largest first, ties by name, without zeros', () => {
    const totals = causeTotals([{ causes: { upstream_reset: 5, gateway_overflow: 2 } }, { causes: { upstream_closed: 7, keepalive_race: 0, gateway_overflow: 5 } }]);
    assert.deepEqual(Object.entries(totals), [['gateway_overflow', 7], ['upstream_closed', 7], ['upstream_reset', 5]]);
  });

  it('names the dominant cause with its share, or null without failures', () => {
    assert.deepEqual(dominantCause({ upstream_reset: 3, upstream_closed: 1 }), { cause: 'upstream_reset', count: 3, share: 0.75 });
    assert.equal(dominantCause({}), null);
    assert.equal(dominantCause({ upstream_reset: 0 }), null);
  });
});

describe('measured beside predicted, per step', () => {
  const judged = (offered: number, failureRatio: number, predictedFailureRatio: number | null, sent = 800) => ({
    offered,
    status: { '200': 700 },
    valid: true,
    failureRatio,
    predictedFailureRatio,
    sent,
    unfinished: 0,
  });

  it('agrees within 2 percentage points, or 3 binomial standard deviations when those are wider', () => {
    // p = 0.05 over 10,000 requests: 3σ = 0.65 pp, so the 2 pp floor applies.
    assert.deepEqual(stepAgreement(judged(400, 0.069, 0.05, 10_000)), { agrees: true, tolerance: 0.02 });
    assert.equal(stepAgreement(judged(400, 0.071, 0.05, 10_000))?.agrees, false);
    // p = 0.5 over 100 requests: σ = 0.05, 3σ = 15 pp.
    const wide = stepAgreement(judged(800, 0.64, 0.5, 100));
    assert.equal(wide?.agrees, true);
    assert.ok(wide !== null && Math.abs(wide.tolerance - 0.15) < 1e-12);
  });

  it('has nothing to say without a prediction, or about an invalid step', () => {
    assert.equal(stepAgreement(judged(400, 0.5, null)), null);
    assert.equal(stepAgreement({ ...judged(400, 0.5, 0), valid: false }), null);
  });

  it('names the steps that disagree, with both ratios and the noise', () => {
    const sentences = explain(input({ onset: null, unit: 'rps', steps: [judged(300, 0.001, 0.0013), judged(480, 0.102, 0.167), judged(640, 0.3, 0.375)] }));
    assert.ok(
      sentences.includes('The measured failure ratio disagrees with theory beyond the noise at 2 steps: at 480 req/s 10.2 % measured, 16.7 % predicted (noise ±4.0 %); at 640 req/s 30.0 % measured, 37.5 % predicted (noise ±5.1 %).'),
      sentences.join('\n'),
    );
  });
});

describe('clientFailures', () => {
  it('tallies criterion statuses, client errors and lost requests over the steps, and names the largest first', () => {
    const steps = [
      { offered: 20, valid: true, status: { '200': 900, '502': 3, '503': 7 }, errors: { ECONNRESET: 40 }, lost: 1 },
      { offered: 21, valid: true, status: { '200': 800, '502': 2 }, errors: { ECONNRESET: 60, ETIMEDOUT: 5 }, lost: 0 },
    ];
    const tally = clientFailures(steps, [502]);
    assert.deepEqual(tally, { ECONNRESET: 100, ETIMEDOUT: 5, '502': 5, lost: 1 });
    // Ties by name: '502' before 'ETIMEDOUT'.
    assert.equal(describeClientFailures(tally), 'ECONNRESET ×100, 502 ×5 and ETIMEDOUT ×5');
    assert.equal(describeClientFailures({}), 'nothing');
  });
});
