import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, QUICK_STEP_MS } from '../../harness/config/defaults.ts';
import { listScenarios, loadScenario, SCENARIOS_DIR, type LoadOptions } from '../../harness/config/load-scenario.ts';
import { OverloadError } from '../../harness/errors.ts';
import { ExitCode } from '../../harness/exit-codes.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The OverloadError that loading `ref` must throw. */
async function failure(ref: string, options: LoadOptions = {}): Promise<OverloadError> {
  try {
    await loadScenario(ref, { scenariosDir: FIXTURES, ...options });
  } catch (error) {
    if (error instanceof OverloadError) return error;
    throw error;
  }
  assert.fail(`loading ${ref} should have failed`);
}

describe('loadScenario', () => {
  it('loads a scenario by name from the scenarios folder, with every default filled', async () => {
    const scenario = await loadScenario('valid', { scenariosDir: FIXTURES });
    assert.equal(scenario.name, 'fixture-valid');
    assert.deepStrictEqual(scenario.upstream, { ...DEFAULTS.upstream, workers: 2, queue: 3 });
    assert.deepStrictEqual(scenario.gateway, DEFAULTS.gateway);
    assert.equal(scenario.load.stepMs, 3000);
    assert.equal(scenario.seed, 7);
  });

  it('loads a scenario by a path relative to the working directory, and by an absolute path', async () => {
    const absolute = path.join(FIXTURES, 'valid.ts');
    assert.equal((await loadScenario(path.relative(process.cwd(), absolute))).name, 'fixture-valid');
    assert.equal((await loadScenario(absolute)).name, 'fixture-valid');
  });

  it('finds named scenarios in the repository, not in the working directory', () => {
    assert.equal(path.resolve(SCENARIOS_DIR), path.join(REPO, 'scenarios'));
  });

  it('names the ref, where it looked and the scenarios there when a name is not found', async () => {
    const error = await failure('vaild');
    assert.equal(error.code, 'SCENARIO_NOT_FOUND');
    assert.equal(error.exitCode, ExitCode.usage);
    assert.equal(error.message, `Scenario "vaild" not found: looked for ${path.join(FIXTURES, 'vaild.ts')} and ${path.join(FIXTURES, 'vaild.js')}`);
    assert.equal(error.hint, 'Did you mean "valid"? Available scenarios: no-default, several-mistakes, valid. A path to a .ts or .js file works too, e.g. ./my-scenario.ts.');
  });

  it('names the resolved file when a path is not found', async () => {
    const error = await failure('./no/such/file.ts');
    assert.equal(error.code, 'SCENARIO_NOT_FOUND');
    assert.ok(error.message.includes(path.resolve('no/such/file.ts')), error.message);
  });

  it('reports a syntax error in the file as a problem, without a stack', async () => {
    // The fixture is stored as .txt so that tsc and eslint do not trip on it; load a .ts copy.
    const dir = await mkdtemp(path.join(tmpdir(), 'overload-scenario-'));
    const file = path.join(dir, 'syntax-error.ts');
    let error: OverloadError;
    try {
      await copyFile(path.join(FIXTURES, 'syntax-error.ts.txt'), file);
      error = await failure(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(error.code, 'SCENARIO_INVALID');
    assert.equal(error.exitCode, ExitCode.usage);
    assert.equal(error.problems.length, 1);
    const [problem] = error.problems;
    assert.equal(problem?.path, '');
    assert.ok(problem.message.startsWith('the file does not load: '), problem.message);
    assert.ok(problem.message.includes('syntax-error.ts:'), problem.message);
    assert.ok(!problem.message.includes('\n    at '), 'no stack trace');
  });

  it('reports a file without a default export', async () => {
    const error = await failure('no-default');
    assert.deepStrictEqual(error.problems.map((p) => [p.path, p.message]), [['', 'the file has no default export']]);
  });

  it('reports every mistake of a file, and the --set problems with them', async () => {
    const error = await failure('several-mistakes', { sets: ['upstream.workers=abc'] });
    assert.equal(error.code, 'SCENARIO_INVALID');
    assert.deepStrictEqual(error.problems.map((p) => p.path), [
      'upstream.workers', 'name', 'upstream.queue', 'upstream.wokers', 'gateway.profile', 'load.clientTimeoutMs',
    ]);
    assert.match(error.message, /is invalid: 6 problems$/);
  });

  it('still checks the --set overrides of a file that does not load', async () => {
    const error = await failure('no-default', { sets: ['upstream.worker=2'] });
    assert.deepStrictEqual(error.problems.map((p) => p.path), ['', 'upstream.worker']);
  });

  it('applies --set before validation', async () => {
    const scenario = await loadScenario('valid', { scenariosDir: FIXTURES, sets: ['upstream.workers=6', 'gateway.profile=haproxy'] });
    assert.equal(scenario.upstream.workers, 6);
    assert.deepStrictEqual(scenario.criterion.statuses, [502, 503]);
  });

  it('with --quick, changes only load.stepMs, to QUICK_STEP_MS', async () => {
    const normal = await loadScenario('valid', { scenariosDir: FIXTURES });
    const quick = await loadScenario('valid', { scenariosDir: FIXTURES, quick: true });
    assert.deepStrictEqual(quick, { ...normal, load: { ...normal.load, stepMs: QUICK_STEP_MS } });
  });

  it('with --quick, keeps a step length fixed by --set, even a longer one', async () => {
    const scenario = await loadScenario('valid', { scenariosDir: FIXTURES, quick: true, sets: ['load.stepMs=5000'] });
    assert.equal(scenario.load.stepMs, 5000);
  });

  it('with --seed, replaces the seed, after any --set', async () => {
    assert.equal((await loadScenario('valid', { scenariosDir: FIXTURES, seed: 42 })).seed, 42);
    assert.equal((await loadScenario('valid', { scenariosDir: FIXTURES, seed: 42, sets: ['seed=3'] })).seed, 42);
  });

  it('validates the --seed like any seed', async () => {
    const error = await failure('valid', { seed: 1.5 });
    assert.deepStrictEqual(error.problems.map((p) => [p.path, p.value]), [['seed', '1.5']]);
  });
});

describe('listScenarios', () => {
  it('lists the scenarios of a folder by name, sorted, saying which do not load', async () => {
    const listed = await listScenarios(FIXTURES);
    assert.deepStrictEqual(listed.map((s) => s.name), ['no-default', 'several-mistakes', 'valid']);
    assert.deepStrictEqual(listed[2], { name: 'valid', description: 'a small valid scenario for tests', path: path.join(FIXTURES, 'valid.ts') });
    assert.equal(listed[0]?.description, '(does not load: the file has no default export)');
  });

  it('lists nothing for a folder that does not exist', async () => {
    assert.deepStrictEqual(await listScenarios(path.join(FIXTURES, 'missing')), []);
  });
});

describe('the bundled scenarios', () => {
  it('include overload, overload-503, overload-close and overload-hang', async () => {
    const names = (await listScenarios()).map((s) => s.name);
    for (const name of ['overload', 'overload-503', 'overload-close', 'overload-hang']) assert.ok(names.includes(name), name);
  });

  it('each load, carry their file name as name, and say what they show', async () => {
    for (const { name } of await listScenarios()) {
      const scenario = await loadScenario(name);
      assert.equal(scenario.name, name);
      assert.ok(scenario.description.length > 20, `${name} needs a description`);
    }
  });

  // The closed-loop theory (DESIGN.md §4): no shedding while N ≤ C + Q, so the onset is C + Q + 1.
  it('overload is the default of DESIGN.md §5 with the onset judged against theory, so --set changes keep it honest', async () => {
    const { upstream, gateway, expect } = await loadScenario('overload');
    assert.deepEqual([upstream.workers, upstream.serviceMs, upstream.queue, upstream.shed], [4, 10, 16, 'reset']);
    assert.ok(upstream.workers + upstream.queue < gateway.poolConnections, 'the theory holds only while C + Q < pool');
    assert.deepStrictEqual(expect, [{ onsetMatchesTheory: true }]);
  });

  it('overload-close expects its onset at C + Q + 1 and upstream_closed as the main cause', async () => {
    const { upstream, gateway, expect } = await loadScenario('overload-close');
    const onset = upstream.workers + upstream.queue + 1;
    assert.equal(onset, 21);
    assert.ok(upstream.workers + upstream.queue < gateway.poolConnections, 'the theory holds only while C + Q < pool');
    assert.deepStrictEqual(expect, [{ onset: { between: [onset, onset] } }, { dominantCause: 'upstream_closed' }, { noFailuresBelow: onset - 1 }]);
  });

  it('overload-hang counts only 502s, times out within a step, and expects 504s, not an onset', async () => {
    const s = await loadScenario('overload-hang', { quick: true });
    assert.equal(s.upstream.shed, 'hang');
    assert.deepStrictEqual(s.criterion.statuses, [502]);
    assert.ok(s.gateway.upstreamTimeoutMs < s.load.stepMs, 'a 504 must come within a quick step');
    assert.ok(s.caps.maxConnections <= 64);
    assert.deepStrictEqual(s.expect, [{ dominantCause: 'upstream_timeout' }, { noFailuresBelow: s.caps.maxConnections }]);
  });

  it('overload-503 sheds with 503s and expects no failing step up to its cap', async () => {
    const s = await loadScenario('overload-503');
    assert.equal(s.upstream.shed, '503');
    assert.ok(!s.criterion.statuses.includes(503), 'a passed-through 503 is not a gateway failure');
    assert.ok(s.caps.maxConnections <= 64);
    assert.deepStrictEqual(s.expect, [{ noFailuresBelow: s.caps.maxConnections }]);
  });
});
