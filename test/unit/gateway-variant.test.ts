import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listScenarios, loadScenario } from '../../harness/config/load-scenario.ts';
import { OverloadError } from '../../harness/errors.ts';
import { buildReport } from '../../harness/report/build.ts';
import { rejection } from '../helpers/rejection.ts';

/** A scenario file with a variant for each real gateway: another check behind nginx, none possible behind HAProxy. */
const SCENARIO = `export default {
  name: 'variant-case',
  expect: [{ onset: { between: [21, 21] } }],
  behind: {
    nginx: { note: 'nginx logs it as a premature close.', expect: [{ dominantCause: 'upstream_closed' }] },
    haproxy: { note: 'HAProxy resolves once, at start.', unsupported: true },
  },
};
`;

describe('a scenario behind a real gateway (behind.<gateway>)', () => {
  let dir = '';
  let file = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'overload-variant-'));
    file = path.join(dir, 'variant-case.ts');
    writeFileSync(file, SCENARIO);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the scenario’s own expectations behind the Node fixture', async () => {
    const scenario = await loadScenario(file);
    assert.deepEqual(scenario.expect, [{ onset: { between: [21, 21] } }]);
    assert.equal(scenario.behind.nginx?.note, 'nginx logs it as a premature close.');
  });

  it('checks the variant’s expectations behind that gateway', async () => {
    const scenario = await loadScenario(file, { sets: ['gateway.kind=nginx', 'gateway.profile=nginx'] });
    assert.deepEqual(scenario.expect, [{ dominantCause: 'upstream_closed' }]);
  });

  it('lets an expect set on the command line win over the variant’s', async () => {
    const scenario = await loadScenario(file, { sets: ['gateway.kind=nginx', 'expect=[{"noFailuresBelow":4}]'] });
    assert.deepEqual(scenario.expect, [{ noFailuresBelow: 4 }]);
  });

  it('refuses to run behind a gateway where it means nothing, quoting why (exit 2)', async () => {
    const error = await rejection(loadScenario(file, { sets: ['gateway.kind=haproxy', 'gateway.profile=haproxy'] }));
    assert.equal(error.code, 'SCENARIO_UNSUPPORTED');
    assert.equal(error.message, 'Scenario "' + file + '" means nothing behind haproxy: HAProxy resolves once, at start.');
    assert.match(error.hint ?? '', /--gateway node/);
  });

  it('refuses a variant without its note, naming the path', async () => {
    const bad = path.join(dir, 'no-note.ts');
    writeFileSync(bad, "export default { name: 'no-note', behind: { nginx: { expect: [] } } };\n");
    const error = await rejection(loadScenario(bad));
    assert.equal(error.code, 'SCENARIO_INVALID');
    assert.deepEqual(
      error.problems.map((problem) => problem.path),
      ['behind.nginx'],
    );
  });

  it('quotes the note as the report’s last explanation sentence, behind that gateway only', async () => {
    const report = (scenario: Awaited<ReturnType<typeof loadScenario>>) =>
      buildReport({ scenario, toolVersion: '0', createdAt: new Date(0), environment: { node: 'v20', platform: 'linux', cpuModel: 'cpu', cpus: 2 }, plan: 'search', trials: [], onsetNote: null, theory: null, interrupted: false });
    assert.equal(report(await loadScenario(file, { sets: ['gateway.kind=nginx'] })).explanation.at(-1), 'Behind nginx: nginx logs it as a premature close.');
    assert.ok(!report(await loadScenario(file)).explanation.some((sentence) => sentence.startsWith('Behind ')));
  });
});

describe('the named scenarios behind nginx and HAProxy', () => {
  for (const gateway of ['nginx', 'haproxy'] as const) {
    it(`each loads behind ${gateway} with its own reading, or says why it means nothing there`, async () => {
      const outcomes: Record<string, string> = {};
      for (const { name } of await listScenarios()) {
        try {
          const scenario = await loadScenario(name, { sets: [`gateway.kind=${gateway}`, `gateway.profile=${gateway}`] });
          outcomes[name] = scenario.behind[gateway]?.expect === undefined ? 'as is' : 'variant';
        } catch (error) {
          assert.ok(error instanceof OverloadError && error.code === 'SCENARIO_UNSUPPORTED', `${name}: ${String(error)}`);
          outcomes[name] = 'unsupported';
        }
      }
      assert.equal(outcomes['dns-change'], 'unsupported');
      assert.equal(outcomes['keepalive-race'], 'variant');
      // A scenario made from another one keeps none of its readings: fixed, no gateway loses the race.
      assert.equal(outcomes['keepalive-race-fixed'], 'as is');
      assert.equal(outcomes.overload, 'as is');
    });
  }

  it('keepalive-race-fixed checks its own claim behind nginx, not the race’s', async () => {
    const fixed = await loadScenario('keepalive-race-fixed', { sets: ['gateway.kind=nginx', 'gateway.profile=nginx'] });
    assert.deepEqual(fixed.expect, [{ noFailuresBeforeMs: 12_000 }, { failureWindows: { min: 0, max: 0 } }]);
  });
});
