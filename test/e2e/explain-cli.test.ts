import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain } from '../helpers/run-main.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/logs/${name}`, import.meta.url));

describe('overload explain: a gateway’s log read without any load', () => {
  it('reads a real nginx error log, detecting its format, and tells each cause with its reason and check', async () => {
    const { code, stdout, stderr } = await runMain(['explain', fixture('nginx-1.22-error.log')]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^nginx log: 47 lines/);
    assert.match(stdout, /- upstream_reset: \d+ .*\n {2}most likely .*\n {2}check: /);
  });

  it('reads a real HAProxy log with --log-format haproxy and a 10 s window, statuses included', async () => {
    const { code, stdout } = await runMain(['explain', fixture('haproxy-2.6-http.log'), '--log-format', 'haproxy', '--window', '10s']);
    assert.equal(code, 0);
    assert.match(stdout, /^haproxy log: /);
    assert.match(stdout, /Per 10 s window/);
    assert.match(stdout, /\[(50[234] ×\d+(, )?)+\]/);
  });

  it('prints the counts as JSON with --json', async () => {
    const { code, stdout } = await runMain(['explain', fixture('nginx-1.22-error.log'), '--json']);
    assert.equal(code, 0);
    const result = JSON.parse(stdout) as { format: string; lines: number; failures: number; causes: Record<string, number> };
    assert.equal(result.format, 'nginx');
    assert.equal(result.lines, 47);
    assert.ok(result.failures > 0 && Object.keys(result.causes).length > 3);
  });

  it('exits 2 naming the file when it is missing, not a log, or the window is bad, without a stack trace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'overload-explain-'));
    const prose = path.join(dir, 'notes.txt');
    await writeFile(prose, 'hello\nthis is not a gateway log\n');
    for (const [argv, pattern] of [
      [['explain', path.join(dir, 'missing.log')], /cannot read .*missing\.log: ENOENT/],
      [['explain', prose], /notes\.txt: its first lines look like neither an nginx error log nor an HAProxy HTTP log[\s\S]*--log-format nginx\|haproxy/],
      [['explain', fixture('nginx-1.22-error.log'), '--window', '5 minutes'], /--window "5 minutes" is not a window length/],
    ] as const) {
      const { code, stderr } = await runMain([...argv]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, pattern);
      assert.doesNotMatch(stderr, /\n\s+at /);
    }
  });
});
