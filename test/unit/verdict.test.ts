import assert from 'node:assert/strict';
import { CAUSE_CODES } from '../../fixtures/gateway/causes.ts';
import type { Report } from '../../harness/report/schema.ts';
import { CAUSE_NOUNS, causeNoun, verdictSentence } from '../../harness/report/verdict.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');
const noOnset503 = fixture('no-onset-503');
const target = fixture('target-upstream');

/** The frozen closed-model report with some fields replaced. */
function closed(changes: Partial<Report>): Report {
  return { ...structuredClone(closedOnset), ...changes };
}

/** The closed report as if measured in the open model at 405 req/s against a predicted 404.04. */
function open(): Report {
  const report = closed({ model: 'open', unit: 'rps' });
  report.onset = { value: 405, low: 400, high: 405, unit: 'rps', criterion: { failureRatio: 0.01, statuses: [502] } };
  report.theory = { serviceMsMeasured: 10, capacityRps: 400, onset: 404.04, basis: 'μ / (1 − 1 %).', limitedBy: 'upstream' };
  return report;
}

describe('verdictSentence', () => {
  it('tells what the client saw for an external target, which has no gateway counters', () => {
    assert.equal(verdictSentence(target), 'The target began failing requests at 21 connections; the client saw ECONNRESET ×18,701.');
  });

  it('adds what the target’s gateway logged, when its log was read (--gateway-log)', () => {
    const logged: Report = {
      ...target,
      target: { url: 'http://127.0.0.1:8080/', pinnedAddress: '127.0.0.1', authorizedBy: 'loopback', gatewayLog: { path: '/var/log/nginx/error.log', format: 'nginx' } },
      causes: { upstream_reset: 3, upstream_closed: 1 },
    };
    assert.equal(
      verdictSentence(logged),
      'The target began failing requests at 21 connections; the client saw ECONNRESET ×18,701; 75.0 % of the failures its gateway logged were upstream resets.',
    );
  });

  const cases: { name: string; report: () => Report; expected: string }[] = [
    {
      name: 'names the closed-model onset beside the theory and the dominant cause',
      report: () => closedOnset,
      expected: 'The gateway began returning 502s at 21 connections (theory: 21); 99.9 % of them were upstream resets.',
    },
    {
      name: 'quotes an open-model theory as a whole rate with its unit',
      report: open,
      expected: 'The gateway began returning 502s at 405 req/s (theory: 404 req/s); 99.9 % of them were upstream resets.',
    },
    {
      name: 'without an onset, keeps the first explanation sentence up to its first semicolon',
      report: () => noOnset503,
      expected: 'No 502 up to 64 connections: the upstream answered 503 itself 16,525 times from 32 connections on.',
    },
    {
      name: 'without an onset, keeps a first sentence that has no semicolon whole',
      report: () => ({ ...structuredClone(noOnset503), explanation: ['No 502 up to 64 connections, and the gateway failed no request.'] }),
      expected: 'No 502 up to 64 connections, and the gateway failed no request.',
    },
    {
      name: 'does not cut at a semicolon inside parentheses',
      report: () => ({ ...structuredClone(noOnset503), explanation: ['No 502 up to 8 connections (a; b): the reason; the detail.'] }),
      expected: 'No 502 up to 8 connections (a; b): the reason.',
    },
    {
      name: 'without an onset or an explanation, says how far it looked',
      report: () => ({ ...structuredClone(noOnset503), explanation: [] }),
      expected: 'No onset was found up to 64 connections.',
    },
    {
      name: 'says that no step was measured',
      report: () => closed({ steps: [], onset: null, causes: {}, explanation: ['No step was measured.'] }),
      expected: 'No step was measured.',
    },
    {
      name: 'says that an interrupted run measured no step',
      report: () => closed({ steps: [], onset: null, causes: {}, interrupted: true }),
      expected: 'The run was interrupted before any step was measured.',
    },
    {
      name: 'leads with the interruption and keeps the finding',
      report: () => closed({ interrupted: true }),
      expected: 'Interrupted after 10 steps — the gateway began returning 502s at 21 connections (theory: 21); 99.9 % of them were upstream resets.',
    },
    {
      name: 'lower-cases a no-onset finding after the interruption',
      report: () => ({ ...structuredClone(noOnset503), interrupted: true, steps: noOnset503.steps.slice(0, 1) }),
      expected: 'Interrupted after 1 step — no 502 up to 64 connections: the upstream answered 503 itself 16,525 times from 32 connections on.',
    },
    {
      name: 'gives the spread of the trials with --repeat',
      report: () => closed({ onsetSpread: { min: 20, max: 22, trials: 3 } }),
      expected: 'The gateway began returning 502s at 21 connections (median of 3 trials, 20 to 22; theory: 21); 99.9 % of them were upstream resets.',
    },
    {
      name: 'says when every trial found the same onset',
      report: () => closed({ onsetSpread: { min: 21, max: 21, trials: 3 } }),
      expected: 'The gateway began returning 502s at 21 connections (the same in all 3 trials; theory: 21); 99.9 % of them were upstream resets.',
    },
    {
      name: 'says how many trials found an onset when some found none',
      report: () => closed({
        onsetSpread: { min: 21, max: 22, trials: 3 },
        trials: [closedOnset.onset, null, { ...closedOnset.onset!, value: 22 }].map((onset, index) => ({ index, seed: index + 1, onset, steps: [] })),
      }),
      expected: 'The gateway began returning 502s at 21 connections (2 of 3 trials found one, 21 to 22; theory: 21); 99.9 % of them were upstream resets.',
    },
    {
      name: 'quotes no theory when there is none',
      report: () => closed({ theory: null }),
      expected: 'The gateway began returning 502s at 21 connections; 99.9 % of them were upstream resets.',
    },
    {
      name: 'says when the theory predicted no onset',
      report: () => closed({ theory: { ...closedOnset.theory!, onset: null } }),
      expected: 'The gateway began returning 502s at 21 connections (theory: no onset predicted); 99.9 % of them were upstream resets.',
    },
    {
      name: 'says "all" when one cause made every failure',
      report: () => closed({ causes: { gateway_overflow: 12 } }),
      expected: 'The gateway began returning 502s at 21 connections (theory: 21); all of them were gateway queue overflows.',
    },
    {
      name: 'takes the share over the causes that answered 502, not over 504 timeouts (the criterion counts only 502s)',
      report: () => closed({ causes: { upstream_timeout: 90, upstream_reset: 10 } }),
      expected: 'The gateway began returning 502s at 21 connections (theory: 21); all of them were upstream resets.',
    },
    {
      name: 'names the gateway’s failures, not "them", when no cause answered with a criterion status',
      report: () => closed({ causes: { upstream_timeout: 90 } }),
      expected: "The gateway began returning 502s at 21 connections (theory: 21); all of the gateway's failures were upstream timeouts (504).",
    },
    {
      name: 'calls 504s "them" when the criterion counts 504s',
      report: () => {
        const report = closed({ causes: { upstream_timeout: 90, upstream_reset: 10 } });
        report.onset = { ...closedOnset.onset!, criterion: { failureRatio: 0.01, statuses: [502, 504] } };
        return report;
      },
      expected: 'The gateway began returning 502s and 504s at 21 connections (theory: 21); 90.0 % of them were upstream timeouts (504).',
    },
    {
      name: 'says when the gateway reported no cause',
      report: () => closed({ causes: {} }),
      expected: 'The gateway began returning 502s at 21 connections (theory: 21); the gateway reported no cause for them.',
    },
    {
      name: 'names a cause code it does not know by its code',
      report: () => closed({ causes: { upstream_gremlins: 3, upstream_reset: 1 } }),
      expected: 'The gateway began returning 502s at 21 connections (theory: 21); 75.0 % of them were upstream_gremlins.',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(verdictSentence(c.report()), c.expected);
    });
  }

  const frozen: [string, string][] = [
    ['open-onset', 'The gateway began returning 502s at 410 req/s (theory: 404 req/s); all of them were upstream resets.'],
    ['closed-trials', 'The gateway began returning 502s at 21 connections (the same in all 3 trials; theory: 21); all of them were upstream resets.'],
    ['empty', 'The run was interrupted before any step was measured.'],
  ];
  for (const [name, expected] of frozen) {
    it(`gives the verdict of the frozen report ${name}.json`, () => {
      assert.equal(verdictSentence(fixture(name)), expected);
    });
  }

  it('has a noun for every cause code, and no noun for a code that does not exist', () => {
    assert.deepEqual(Object.keys(CAUSE_NOUNS).sort(), [...CAUSE_CODES].sort());
    for (const code of CAUSE_CODES) assert.equal(causeNoun(code), CAUSE_NOUNS[code]);
  });
});
