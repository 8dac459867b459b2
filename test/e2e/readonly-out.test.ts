/**
 * Issue 7, an output folder that cannot be written: a read-only bind mount, made inside a mount
 * namespace the test creates (`unshare -m`, private propagation, so nothing reaches the host's
 * mounts). CI runs as root, for whom `chmod` changes nothing: only a read-only file system says
 * no to root. The refusal comes before any load (report/write.ts `prepareOutputDir`): exit 2,
 * the folder and EROFS named with a hint, no stack trace, no file written, no fixture started.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../../harness/exit-codes.ts';
import { frozenReportPath } from '../helpers/frozen-reports.ts';
import { processesCarrying } from '../helpers/processes.ts';
import { requireTool } from '../helpers/require-tool.ts';

const BIN = fileURLToPath(new URL('../../harness/cli/bin.js', import.meta.url));

/**
 * Mounts "$1" read-only over itself, proves it took (a write as root must fail), then runs the
 * rest of the arguments. Arguments, not interpolation, so no path is ever parsed by the shell.
 */
const READ_ONLY_THEN_EXEC = [
  'set -e',
  'ro=$1; shift',
  'mount --bind "$ro" "$ro"',
  'mount -o remount,bind,ro "$ro"',
  'if touch "$ro/.probe" 2>/dev/null; then echo "$ro is still writable: the read-only mount did not take" >&2; exit 90; fi',
  'exec "$@"',
].join('\n');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `overload …argv` in a mount namespace of its own where `ro` is read-only. */
async function inReadOnlyMount(ro: string, argv: string[]): Promise<Outcome> {
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', READ_ONLY_THEN_EXEC, 'sh', ro, process.execPath, BIN, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('an output folder on a read-only file system', function () {
  this.timeout(60_000);
  let dir = '';
  let ro = '';
  const cases = [
    {
      name: 'overload run --out, a new folder inside it',
      argv: (): string[] => ['run', 'overload', '--quick', '--out', path.join(ro, 'run')],
      error: (): string => `Cannot create the output folder ${path.join(ro, 'run')} (EROFS: read-only file system).`,
    },
    {
      name: 'overload run --out, the empty folder itself',
      argv: (): string[] => ['run', 'overload', '--quick', '--out', ro],
      error: (): string => `Cannot write in the output folder ${ro} (EROFS: read-only file system).`,
    },
    {
      name: 'overload report --out, several formats into a new folder inside it',
      argv: (): string[] => ['report', frozenReportPath('closed-onset'), '--format', 'html,svg', '--out', path.join(ro, 'html')],
      error: (): string => `Cannot create the output folder ${path.join(ro, 'html')} (EROFS: read-only file system).`,
    },
  ];
  const outcomes = new Map<string, Outcome>();

  before(async function () {
    requireTool(this, '/usr/bin/unshare', 'apt-get install util-linux');
    requireTool(this, '/usr/bin/mount', 'apt-get install mount');
    dir = await mkdtemp(path.join(tmpdir(), 'overload-readonly-'));
    ro = path.join(dir, 'ro');
    await mkdir(ro);
    // Each in its own namespace, all at once: each is a refusal before any load, a node start long.
    await Promise.all(cases.map(async (c) => outcomes.set(c.name, await inReadOnlyMount(ro, c.argv()))));
  });
  after(() => (dir === '' ? undefined : rm(dir, { recursive: true, force: true })));

  for (const c of cases) {
    it(`refuses ${c.name} (exit 2), naming the folder, EROFS and a fix, with no stack trace`, () => {
      const { code, stderr } = outcomes.get(c.name) ?? assert.fail('not run');
      assert.equal(code, ExitCode.usage, `unshare -m or mount failed (they need root), or the CLI did: ${stderr}`);
      assert.ok(stderr.startsWith(`Error: ${c.error()}\n`), stderr);
      assert.match(stderr, /^Hint: Pass --out a new or empty folder you can write to/m);
      assert.doesNotMatch(stderr, /^\s+at .*:\d+:\d+\)?$/m, 'a stack trace');
      assert.doesNotMatch(stderr, /failed unexpectedly/);
    });

    it(`refuses ${c.name} before anything starts: no fixture, no step, no file, nothing left running`, async () => {
      const { stdout, stderr } = outcomes.get(c.name) ?? assert.fail('not run');
      assert.doesNotMatch(stderr, /fixtures ready|step 1:|partial report/);
      assert.equal(stdout, '', 'nothing written is announced');
      // The mount was the namespace's alone: from here the folder is the writable one it was.
      assert.deepEqual(await readdir(ro), []);
      // A gateway fixture carries its error log's path, in the out folder, among its arguments.
      assert.deepEqual(processesCarrying(ro), []);
    });
  }

  it('leaves the host’s mounts as they were: the namespace’s read-only mount never leaks out', async () => {
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(ro), mounts);
  });
});
