import assert from 'node:assert/strict';
import { applyOverrides, parseOverride } from '../../harness/config/overrides.ts';
import { validateScenario } from '../../harness/config/schema.ts';
import { formatProblem, type Problem } from '../../harness/errors.ts';

/** The merged input of overrides that must all apply. */
function merged(input: unknown, sets: string[]): unknown {
  const result = applyOverrides(input, sets);
  if (!result.ok) assert.fail(result.problems.map(formatProblem).join('\n'));
  return result.input;
}

/** The problems of overrides that must fail. */
function problemsOf(sets: string[], input: unknown = { name: 'x' }): Problem[] {
  const result = applyOverrides(input, sets);
  if (result.ok) assert.fail(`expected problems from ${sets.join(' ')}`);
  return result.problems;
}

describe('--set overrides', () => {
  // Each value is typed by its field's kind; ranges and enum members are left to validation.
  const typed: { set: string; path: string; value: unknown }[] = [
    { set: 'upstream.workers=8', path: 'upstream.workers', value: 8 },
    { set: 'upstream.serviceMs=2.5', path: 'upstream.serviceMs', value: 2.5 },
    { set: 'caps.maxRequests=10_000', path: 'caps.maxRequests', value: 10_000 },
    { set: 'upstream.workers= 3 ', path: 'upstream.workers', value: 3 },
    { set: 'upstream.shed=503', path: 'upstream.shed', value: '503' },
    { set: 'model=open', path: 'model', value: 'open' },
    { set: 'name=my-run', path: 'name', value: 'my-run' },
    { set: 'load.path=/search?q=a=b', path: 'load.path', value: '/search?q=a=b' },
    { set: 'description=', path: 'description', value: '' },
    { set: 'criterion.statuses=502,504', path: 'criterion.statuses', value: [502, 504] },
    { set: 'criterion.statuses=[502, 503]', path: 'criterion.statuses', value: [502, 503] },
    { set: 'criterion.statuses=502', path: 'criterion.statuses', value: [502] },
    { set: 'expect=[{"noFailuresBelow":20}]', path: 'expect', value: [{ noFailuresBelow: 20 }] },
  ];
  for (const { set, path, value } of typed) {
    it(`parses --set ${set} as ${JSON.stringify(value)}`, () => {
      assert.deepStrictEqual(parseOverride(set), { ok: true, override: { path, value } });
    });
  }

  it('creates missing sections and keeps the fields beside the one it sets', () => {
    assert.deepStrictEqual(merged({ name: 'x', upstream: { workers: 2, queue: 3 } }, ['upstream.workers=5', 'gateway.retries=1']), {
      name: 'x',
      upstream: { workers: 5, queue: 3 },
      gateway: { retries: 1 },
    });
  });

  it('lets a later --set of the same path win', () => {
    assert.deepStrictEqual(merged({ name: 'x' }, ['seed=1', 'seed=2']), { name: 'x', seed: 2 });
  });

  it('returns the paths it set, in order', () => {
    const result = applyOverrides({ name: 'x' }, ['load.stepMs=500', 'seed=3']);
    assert.deepStrictEqual(result.ok && result.paths, ['load.stepMs', 'seed']);
  });

  it('never changes its input', () => {
    const input = Object.freeze({ name: 'x', upstream: Object.freeze({ workers: 2 }) });
    assert.deepStrictEqual(merged(input, ['upstream.workers=9']), { name: 'x', upstream: { workers: 9 } });
    assert.deepStrictEqual(input, { name: 'x', upstream: { workers: 2 } });
  });

  it('says a value that is not a number must be a number', () => {
    assert.deepStrictEqual(problemsOf(['upstream.workers=abc']), [
      { path: 'upstream.workers', value: '"abc"', message: 'must be a number', fix: 'write e.g. --set upstream.workers=4' },
    ]);
  });

  const bad: { set: string; path: string; message: string; fix: string }[] = [
    { set: 'upstream.serviceMs=', path: 'upstream.serviceMs', message: 'must be a number', fix: 'write e.g. --set upstream.serviceMs=10' },
    { set: 'criterion.statuses=502,x', path: 'criterion.statuses', message: 'must be a list of numbers separated by commas', fix: 'write e.g. --set criterion.statuses=502,504' },
    { set: 'criterion.statuses=502,,504', path: 'criterion.statuses', message: 'must be a list of numbers separated by commas', fix: 'write e.g. --set criterion.statuses=502,504' },
    { set: 'expect=[{', path: 'expect', message: 'must be JSON', fix: 'write e.g. --set expect=\'[{"noFailuresBelow":20}]\'' },
    { set: 'upstream.worker=3', path: 'upstream.worker', message: 'is not a scenario field', fix: 'did you mean `upstream.workers` or `upstream.work`?' },
    { set: 'workers=3', path: 'workers', message: 'is not a scenario field', fix: 'did you mean `upstream.workers`?' },
    { set: 'gateway.workers=3', path: 'gateway.workers', message: 'is not a scenario field', fix: 'did you mean `upstream.workers`?' },
    { set: 'timeout=3', path: 'timeout', message: 'is not a scenario field', fix: 'use a known path such as upstream.workers; the sections are upstream, gateway, load, load.retry, search, ramp, criterion, caps, timeline, behind' },
    { set: 'upstream=3', path: 'upstream', message: 'is a section, not a field', fix: 'set one of its fields, e.g. upstream.workers, upstream.queue, upstream.serviceMs' },
    { set: 'seed', path: 'seed', message: '--set must be written path=value', fix: 'write --set seed=<value>' },
    { set: '=3', path: '', message: '--set must be written path=value', fix: 'write e.g. --set upstream.workers=8' },
  ];
  for (const { set, path, message, fix } of bad) {
    it(`rejects --set ${set}`, () => {
      assert.deepStrictEqual(problemsOf([set]).map((p) => [p.path, p.message, p.fix]), [[path, message, fix]]);
    });
  }

  it('reports every bad --set at once', () => {
    assert.deepStrictEqual(problemsOf(['upstream.workers=abc', 'upstream.worker=3', 'seed', 'queue=1']).map((p) => p.path), [
      'upstream.workers', 'upstream.worker', 'seed', 'queue',
    ]);
  });

  it('refuses to set a field inside a section that is not an object, and still returns the rest', () => {
    const result = applyOverrides({ name: 'x', upstream: 4 }, ['upstream.workers=2', 'seed=5']);
    assert.equal(result.ok, false);
    assert.deepStrictEqual(!result.ok && result.problems.map((p) => [p.path, p.message]), [['upstream', 'must be an object to take --set upstream.workers']]);
    assert.deepStrictEqual(result.input, { name: 'x', upstream: 4, seed: 5 });
  });

  it('hands an overridden value to validation, which judges it as if the file had it', () => {
    const result = validateScenario(merged({ name: 'x' }, ['upstream.workers=0']));
    assert.deepStrictEqual(!result.ok && result.problems.map(formatProblem), [
      'upstream.workers: must be an integer from 1 to 100000 (got 0). Fix: set at least 1 worker',
    ]);
  });

  it('returns an input that is not an object as it is, for validation to report', () => {
    assert.deepStrictEqual(applyOverrides(null, ['seed=1']), { ok: true, input: null, paths: [] });
  });
});
