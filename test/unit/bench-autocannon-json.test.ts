import assert from 'node:assert/strict';
import { parseAutocannonJson } from '../../bench/autocannon-cli.ts';

/** A trimmed result line of autocannon 9's `--json`, with only the fields the parser reads and a few it does not. */
const result = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    url: 'http://127.0.0.1:33669/',
    connections: 32,
    duration: 2.02,
    start: '2026-11-26T06:37:30.228Z',
    finish: '2026-11-26T06:37:32.245Z',
    errors: 1,
    non2xx: 2,
    requests: { average: 17390, total: 34775, sent: 34807 },
    ...overrides,
  });

describe('parseAutocannonJson (bench/autocannon-cli.ts)', () => {
  it('takes requests.total over duration, not the mean of the per-second samples', () => {
    const run = parseAutocannonJson(`${result()}\n`);
    assert.equal(run.responses, 34775);
    assert.equal(run.durationMs, 2020);
    assert.equal(run.rps, (34775 * 1000) / 2020);
    assert.equal(run.errors, 1);
    assert.equal(run.non2xx, 2);
    assert.equal(run.startMs, Date.parse('2026-11-26T06:37:30.228Z'));
    assert.equal(run.finishMs, Date.parse('2026-11-26T06:37:32.245Z'));
  });

  it('reads the last JSON line: with --warmup the warm-up’s result comes first', () => {
    const warmUp = result({ duration: 1.04, requests: { total: 7736 } });
    const run = parseAutocannonJson(`${warmUp}\nsome warning\n${result()}\n\n`);
    assert.equal(run.responses, 34775);
  });

  it('reads a rate of 0 for a run of no length rather than dividing by zero', () => {
    assert.equal(parseAutocannonJson(result({ duration: 0 })).rps, 0);
  });

  const broken: [string, string, RegExp][] = [
    ['no JSON at all', 'Running 3s test @ http://127.0.0.1/\n', /printed no JSON result/],
    ['no requests.total', result({ requests: { average: 1 } }), /no number at requests\.total \(got undefined\)/],
    ['a duration that is not a number', result({ duration: '2' }), /no number at duration \(got "2"\)/],
    ['no start date', result({ start: 'soon' }), /no date at start \(got "soon"\)/],
  ];
  for (const [what, stdout, message] of broken) {
    it(`names the missing field when the output has ${what}`, () => {
      assert.throws(() => parseAutocannonJson(stdout), message);
    });
  }
});
