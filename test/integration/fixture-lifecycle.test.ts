import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { forkUpstream, TSX_LOADER_URL } from '../../harness/runner/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';
import { alive, descendantRunning, processesCarrying, stderrOf } from '../helpers/processes.ts';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !alive(pid))) return [];
    await sleep(50);
  }
  return pids.filter(alive);
}

describe('fixture processes', function () {
  this.timeout(60_000);

  it('exit by themselves when the harness is killed with SIGKILL', async () => {
    const harness = spawn(process.execPath, ['--import', TSX_LOADER_URL, here('./helpers/hold-fixtures.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    after(() => harness.kill('SIGKILL'));
    const [line] = (await once(harness.stdout, 'data')) as [Buffer];
    const { pids } = JSON.parse(line.toString()) as { pids: number[] };
    assert.equal(pids.length, 2);
    assert.ok(pids.every(alive));
    harness.kill('SIGKILL');
    assert.deepEqual(await waitUntilGone(pids, 5000), [], 'fixture processes outlived the harness');
  });

  it('that fail to start reject with FIXTURE_FAILED saying why, and leave no process behind', async () => {
    // Options the harness never sends (validation refuses them first), so the child refuses them itself.
    const error = await rejection(forkUpstream({ ...DEFAULTS.upstream, seed: 1, workers: -1 }));
    assert.equal(error.code, 'FIXTURE_FAILED');
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /^the upstream fixture failed to start: .*workers must be an integer ≥ 1 \(got -1\)/);
    await sleep(200);
    assert.deepEqual(processesCarrying('"workers":-1'), []);
  });

  // Each fixture in turn, as something outside overload (the OOM killer, a stray `kill -9`) would:
  // the run ends at once with exit 1, says which fixture and how, keeps what it measured, and the
  // other fixture goes with it.
  for (const [killed, other] of [['upstream', 'gateway'], ['gateway', 'upstream']] as const) {
    it(`end the run with a clear error and the partial report when the ${killed} is killed mid-run (exit 1), leaving no process behind`, async () => {
      const out = path.join(await mkdtemp(path.join(tmpdir(), `overload-${killed}-killed-`)), 'run');
      const cli = spawn(process.execPath, [here('../../harness/cli/bin.js'), 'run', 'overload', '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      after(() => cli.kill('SIGKILL'));
      const stderr = stderrOf(cli);
      await stderr.printed('step 2:');
      const pid = descendantRunning(cli.pid ?? 0, here(`../../fixtures/${killed}/main.ts`));
      const otherPid = descendantRunning(cli.pid ?? 0, here(`../../fixtures/${other}/main.ts`));
      assert.ok(pid !== undefined && otherPid !== undefined, `the run’s ${killed} and ${other} fixtures run`);
      process.kill(pid, 'SIGKILL');
      // 'close', not 'exit': by then all of stderr has been read.
      const [code] = (await once(cli, 'close')) as [number | null];
      assert.equal(code, 1, stderr.text());
      assert.match(stderr.text(), new RegExp(`the ${killed} fixture \\(pid ${pid}\\) exited during the run \\(killed by SIGKILL\\), which no scenario plans`));
      assert.match(stderr.text(), /partial report: .*report\.json/);
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { interrupted: boolean; steps: unknown[] };
      assert.equal(report.interrupted, true);
      assert.ok(report.steps.length >= 2);
      assert.deepEqual(await waitUntilGone([otherPid], 5000), [], `the ${other} fixture outlived the run`);
      // The gateway's arguments name its error log in `out`: no process may still carry them.
      assert.deepEqual(processesCarrying(out), []);
    });
  }

  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`stop with the CLI on ${signal} to its whole process group (as a terminal's Ctrl-C or a service manager sends it), which writes the partial report and exits ${exitCode}`, async () => {
      const out = path.join(await mkdtemp(path.join(tmpdir(), `overload-${signal}-`)), 'run');
      // Its own process group, as a shell gives a foreground job: the signal goes to the group.
      const cli = spawn(process.execPath, [here('../../harness/cli/bin.js'), 'run', 'overload', '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      after(() => cli.kill('SIGKILL'));
      const stderr = stderrOf(cli);
      await stderr.printed('step 2:');
      // The fixtures run in process groups of their own and are stopped over IPC: the group's
      // signal must not reach them and look like a crash.
      process.kill(-(cli.pid ?? 0), signal);
      // 'close', not 'exit': by then all of stderr has been read.
      const [code] = (await once(cli, 'close')) as [number | null];
      assert.equal(code, exitCode, stderr.text());
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { interrupted: boolean; steps: unknown[] };
      assert.equal(report.interrupted, true);
      assert.ok(report.steps.length >= 2);
      assert.deepEqual((await readdir(out)).filter((name) => name.endsWith('.tmp')), []);
      // The gateway's arguments name its error log in `out`: no process may still carry them.
      assert.deepEqual(processesCarrying(out), []);
    });
  }
});
