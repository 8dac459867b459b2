import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runMain } from '../helpers/run-main.ts';

const bin = fileURLToPath(new URL('../../harness/cli/bin.js', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/scenarios/${name}`, import.meta.url));


/** Runs the real executable, as a user would. */
function runBin(argv: string[]) {
  const result = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the overload command line', function () {
  this.timeout(30_000);

  it('lists the named scenarios with their descriptions', async () => {
    const { code, stdout } = await runMain(['list']);
    assert.equal(code, 0);
    assert.match(stdout, /^overload {2,}C = 4, S = 10 ms, Q = 16/m);
    assert.match(stdout, /^overload-503 /m);
  });

  it('plans the default scenario without sending anything, theory included', async () => {
    const { code, stdout } = await runMain(['plan', 'overload']);
    assert.equal(code, 0);
    assert.match(stdout, /onset search: 1, 2, 4, … connections/);
    assert.match(stdout, /theory +onset at 21 connections/);
    assert.match(stdout, /^bounds +at most 30 steps of at most 23 s each \(a 2 s window, the 10 s client timeout, a drain of up to 11 s\): 600 s in all: caps\.maxDurationS/m);
    assert.match(stdout, /^ +at most 5,000,000 requests \(caps\.maxRequests, counted after each step\); at most 1,024 connections in a step$/m);
  });

  it('applies --set to plan, and prints the resolved scenario with --json', async () => {
    const { code, stdout } = await runMain(['plan', 'overload', '--set', 'upstream.workers=6', '--set', 'upstream.queue=10', '--json']);
    assert.equal(code, 0);
    const scenario = JSON.parse(stdout) as { upstream: { workers: number; queue: number }; load: { stepMs: number } };
    assert.equal(scenario.upstream.workers, 6);
    assert.equal(scenario.upstream.queue, 10);
    assert.equal(scenario.load.stepMs, 2000);
  });

  it('exits 2 and lists every problem of a bad scenario, without a stack trace', () => {
    const { code, stderr, stdout } = runBin(['run', fixture('several-mistakes.ts')]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^Error: /);
    assert.match(stderr, /upstream\.wokers/);
    assert.match(stderr, /upstream\.queue/);
    assert.match(stderr, /gateway\.profile/);
    assert.match(stderr, /load\.clientTimeoutMs/);
    assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  });

  it('exits 2 for an unknown scenario and names the ones that exist', async () => {
    const { code, stderr } = await runMain(['run', 'no-such-scenario']);
    assert.equal(code, 2);
    assert.match(stderr, /no-such-scenario/);
    assert.match(stderr, /overload/);
  });

  it('exits 2 for a bad --set, naming the path and the value', async () => {
    const { code, stderr } = await runMain(['plan', 'overload', '--set', 'upstream.workers=abc']);
    assert.equal(code, 2);
    assert.match(stderr, /upstream\.workers/);
    assert.match(stderr, /abc/);
  });

  it('exits 2 for an unknown option or command, with a hint', async () => {
    const unknownOption = await runMain(['run', 'overload', '--quik']);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /quik/);
    const unknownCommand = await runMain(['rnu']);
    assert.equal(unknownCommand.code, 2);
  });

  it('refuses an --out folder that is not empty, before sending any load', async () => {
    const { code, stderr } = await runMain(['run', 'overload', '--out', fileURLToPath(new URL('.', import.meta.url))]);
    assert.equal(code, 2);
    assert.match(stderr, /not empty|empty/);
  });

  it('runs the default scenario: the report JSON alone on stdout, exit 0, report files in --out', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'overload-cli-')), 'run');
    const { code, stdout, stderr } = await runMain(['run', 'overload', '--quick', '--json', '--out', out, '--set', 'search.start=16']);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { onset: { value: number }; expectations: { passed: boolean }[] };
    assert.equal(report.onset.value, 21);
    assert.ok(report.expectations.every((expectation) => expectation.passed));
    assert.match(stderr, /began returning 502s at 21 connections/);
    assert.match(stderr, /reports: /);
    assert.deepEqual((await readdir(out)).sort(), ['chart.svg', 'gateway-error.log', 'report.html', 'report.json', 'report.md']);
  });

  it('exits 3 when an expectation fails', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'overload-cli-')), 'run');
    // overload-close expects the onset at 21; with Q = 2 it comes at C + Q + 1 = 7.
    const { code, stderr } = await runMain(['run', 'overload-close', '--quick', '--out', out, '--set', 'search.start=4', '--set', 'upstream.queue=2']);
    assert.equal(code, 3, stderr);
  });

  it('prints help for every command', async () => {
    for (const command of ['list', 'plan', 'run', 'serve', 'compare', 'report', 'explain']) {
      const { code, stdout } = await runMain([command, '--help']);
      assert.equal(code, 0, command);
      assert.match(stdout, new RegExp(`overload ${command}`));
    }
  });

  it('stops quietly with 141 when its reader closes the pipe early (overload list --long | head)', async () => {
    // The reader is gone before the first write, so the write fails with EPIPE every time.
    const child = spawn(process.execPath, [bin, 'list', '--long'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /, stderr);
    assert.equal(code, 141, '128 + SIGPIPE, never 0');
  });

  it('prints the top-level help with the exit codes from the installed executable', () => {
    const { code, stdout } = runBin(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /Commands:/);
    assert.match(stdout, /Exit codes: 0 ok/);
  });

  it('runs as an executable itself, its shebang starting node with the 4 MiB young-generation semi-space (bin.js)', async () => {
    const child = spawn(bin, ['plan', 'overload'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    // `env -S` execs node in place: the same pid, its command line then node's.
    let cmdline = '';
    for (let tries = 0; tries < 200 && !cmdline.includes('bin.js'); tries++) {
      cmdline = await readFile(`/proc/${child.pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmdline.includes('bin.js') || cmdline.startsWith('/usr/bin/env')) {
        cmdline = '';
        await sleep(10);
      }
    }
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    assert.match(cmdline.split('\0').join(' '), /node --max-semi-space-size=4 \S*bin\.js plan overload/);
  });
});
