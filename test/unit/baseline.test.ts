import assert from 'node:assert/strict';
import { assertBaselineFits, defaultBaselinePath } from '../../harness/report/baseline.ts';
import type { Report } from '../../harness/report/schema.ts';
import { frozenReport } from '../helpers/frozen-reports.ts';
import { thrown } from '../helpers/rejection.ts';

describe('defaultBaselinePath: one committed baseline per scenario, model, gateway and kind of system', () => {
  const cases: [what: string, args: Parameters<typeof defaultBaselinePath>, expected: string][] = [
    ['the Node fixture', ['overload', 'closed'], 'reports/baselines/overload.closed.json'],
    ['the Node fixture, named', ['overload', 'open', { gateway: 'node' }], 'reports/baselines/overload.open.json'],
    ['nginx', ['overload', 'closed', { gateway: 'nginx' }], 'reports/baselines/overload.closed.nginx.json'],
    ['HAProxy', ['overload', 'open', { gateway: 'haproxy' }], 'reports/baselines/overload.open.haproxy.json'],
    ['an external target, whatever the scenario’s gateway', ['overload', 'closed', { target: true, gateway: 'nginx' }], 'reports/baselines/overload.closed.target.json'],
    ['a scenario path made file-safe, in another folder', ['my scenarios/a:b', 'closed', { dir: 'base' }], 'base/my-scenarios-a-b.closed.json'],
  ];
  for (const [what, args, expected] of cases) {
    it(`${what}: ${expected}`, () => assert.equal(defaultBaselinePath(...args), expected));
  }
});

describe('assertBaselineFits: refuses a baseline the run could not be compared with, before any load', () => {
  const baseline = frozenReport('closed-onset');
  const behind = (kind: string): Report => ({ ...baseline, gateway: { ...baseline.gateway, kind } });

  it('accepts a baseline of the same scenario, model and gateway', () => {
    assertBaselineFits(baseline, 'b.json', { scenario: baseline.scenario.name, model: 'closed', target: false, gateway: 'node' });
  });

  it('refuses a baseline measured behind another gateway, naming both', () => {
    const error = thrown(() => assertBaselineFits(behind('node'), 'b.json', { scenario: baseline.scenario.name, model: 'closed', target: false, gateway: 'nginx' }));
    assert.equal(error.code, 'REPORTS_INCOMPATIBLE');
    assert.deepEqual(
      error.problems.map((problem) => [problem.path, problem.message]),
      [['gateway.kind', 'the baseline ran behind the node gateway, the run behind nginx']],
    );
    assert.match(error.hint ?? '', /behind nginx/);
  });

  it('lists every difference at once: scenario, model and gateway', () => {
    const error = thrown(() => assertBaselineFits(behind('haproxy'), 'b.json', { scenario: 'other', model: 'open', target: false, gateway: 'nginx' }));
    assert.deepEqual(
      error.problems.map((problem) => problem.path),
      ['scenario.name', 'model', 'gateway.kind'],
    );
  });

  it('judges a target run by the target alone: its report names no gateway of ours', () => {
    const target = frozenReport('target-upstream');
    assertBaselineFits(target, 't.json', { scenario: target.scenario.name, model: target.model, target: true, gateway: 'nginx' });
  });
});
