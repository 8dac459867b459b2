import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { forkUpstream, TSX_LOADER_URL } from '../../harness/runner/fixtures.ts';
import { rejection } from '../helpers/rejection.ts';
import { alive } from '../helpers/processes.ts';

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
    const leftovers = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes('"workers":-1'));
    assert.deepEqual(leftovers, []);
  });

  it('end the run with a clear error and the partial report when the upstream is killed mid-run (exit 1), leaving no process behind', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'overload-upstream-killed-')), 'run');
    const cli = spawn(process.execPath, [here('../../harness/cli/bin.js'), 'run', 'overload', '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    after(() => cli.kill('SIGKILL'));
    let stderr = '';
    await new Promise<void>((resolve) => {
      cli.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('step 2:')) resolve();
      });
    });
    // This run's upstream: a descendant of the CLI's process (bin.js may start node again with tsx).
    const processes = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
      .flatMap((match) => (match === null ? [] : [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }]));
    const descends = (pid: number): boolean => pid === cli.pid || (pid > 1 && descends(processes.find((p) => p.pid === pid)?.ppid ?? 0));
    const upstream = processes.find((p) => p.args.includes('fixtures/upstream/main.ts') && descends(p.ppid));
    assert.ok(upstream !== undefined, 'the run’s upstream fixture runs');
    const { pid } = upstream;
    process.kill(pid, 'SIGKILL');
    const [code] = (await once(cli, 'exit')) as [number | null];
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`the upstream fixture \\(pid ${pid}\\) exited during the run \\(killed by SIGKILL\\), which no scenario plans`));
    assert.match(stderr, /partial report: .*report\.json/);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { interrupted: boolean; steps: unknown[] };
    assert.equal(report.interrupted, true);
    assert.ok(report.steps.length >= 2);
    const leftovers = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(out));
    assert.deepEqual(leftovers, [], 'the gateway fixture went too');
  });

  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`stop with the CLI on ${signal} to its whole process group (as a terminal's Ctrl-C or a service manager sends it), which writes the partial report and exits ${exitCode}`, async () => {
      const out = path.join(await mkdtemp(path.join(tmpdir(), `overload-${signal}-`)), 'run');
      // Its own process group, as a shell gives a foreground job: the signal goes to the group.
      const cli = spawn(process.execPath, [here('../../harness/cli/bin.js'), 'run', 'overload', '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      after(() => cli.kill('SIGKILL'));
      let stderr = '';
      const firstStep = new Promise<void>((resolve) => {
        cli.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('step 2:')) resolve();
        });
      });
      await firstStep;
      // The fixtures run in process groups of their own and are stopped over IPC: the group's
      // signal must not reach them and look like a crash.
      process.kill(-(cli.pid ?? 0), signal);
      const [code] = (await once(cli, 'exit')) as [number | null];
      assert.equal(code, exitCode, stderr);
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { interrupted: boolean; steps: unknown[] };
      assert.equal(report.interrupted, true);
      assert.ok(report.steps.length >= 2);
      assert.deepEqual((await readdir(out)).filter((name) => name.endsWith('.tmp')), []);
      // The gateway's arguments name its error log in `out`: no process may still carry them.
      const leftovers = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(out));
      assert.deepEqual(leftovers, []);
    });
  }
});
