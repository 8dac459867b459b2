import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain } from '../helpers/run-main.ts';
import { frozenReportPath } from '../helpers/frozen-reports.ts';

/** A frozen report's path, by file name (`closed-onset.json`). */
const frozen = (file: string): string => frozenReportPath(file.replace(/\.json$/, ''));

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'overload-compare-cli-'));
}

describe('overload compare and overload report', function () {
  this.timeout(30_000);

  it('compare A A: unchanged, exit 0', async () => {
    const { code, stdout } = await runMain(['compare', frozen('closed-trials.json'), frozen('closed-trials.json')]);
    assert.equal(code, 0);
    assert.match(stdout, /unchanged/i);
    assert.doesNotMatch(stdout, /regressed/i);
  });

  it('compare 4 workers → 3 workers: max goodput regressed, exit 3, in text, markdown and JSON', async () => {
    const text = await runMain(['compare', frozen('closed-trials.json'), frozen('closed-trials-workers3.json')]);
    assert.equal(text.code, 3);
    assert.match(text.stdout, /max goodput/);
    assert.match(text.stdout, /−25/);
    const md = await runMain(['compare', frozen('closed-trials.json'), frozen('closed-trials-workers3.json'), '--format', 'md']);
    assert.equal(md.code, 3);
    assert.match(md.stdout, /^\|.*metric.*\|/im);
    const json = await runMain(['compare', frozen('open-onset.json'), frozen('open-workers3.json'), '--format', 'json']);
    assert.equal(json.code, 3);
    const comparison = JSON.parse(json.stdout) as { regressed: boolean; metrics: { metric: string; verdict: string }[] };
    assert.equal(comparison.regressed, true);
    assert.equal(comparison.metrics.find((metric) => metric.metric === 'onset')?.verdict, 'regressed');
  });

  it('the other way round the same reports improved: exit 0', async () => {
    const { code, stdout } = await runMain(['compare', frozen('closed-trials-workers3.json'), frozen('closed-trials.json')]);
    assert.equal(code, 0);
    assert.match(stdout, /improved/);
  });

  it('a wider --tolerance lets the 25 % drop pass', async () => {
    const { code } = await runMain(['compare', frozen('closed-trials.json'), frozen('closed-trials-workers3.json'), '--tolerance', '30%']);
    assert.equal(code, 0);
  });

  for (const [name, pattern] of [
    ['future-schema.json', /schema version 2/],
    ['other-scenario.json', /scenario/],
    ['open-onset.json', /model/],
  ] as const) {
    it(`exits 2 on incompatible reports (${name}), saying which`, async () => {
      const { code, stderr } = await runMain(['compare', frozen('closed-trials.json'), frozen(name)]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, pattern);
    });
  }

  it('exits 2 on a missing report, naming the path', async () => {
    const { code, stderr } = await runMain(['compare', frozen('closed-trials.json'), '/nonexistent/report.json']);
    assert.equal(code, 2);
    assert.match(stderr, /\/nonexistent\/report\.json/);
  });

  it('report re-renders one format to stdout, several into --out', async () => {
    const md = await runMain(['report', frozen('closed-onset.json'), '--format', 'md']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# overload report: overload/);
    const csv = await runMain(['report', frozen('closed-onset.json'), '--format', 'csv']);
    assert.equal(csv.stdout.split('\r\n').filter((line) => line !== '').length, 1 + 10, 'a header and one row per step');

    const refused = await runMain(['report', frozen('closed-onset.json'), '--format', 'md,csv']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--out/);

    const out = path.join(await tempDir(), 'html');
    const several = await runMain(['report', frozen('closed-onset.json'), '--format', 'html,svg,junit,csv', '--out', out]);
    assert.equal(several.code, 0, several.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['chart.svg', 'junit.xml', 'report.html', 'steps.csv']);
  });
});

describe('overload run --baseline and --update-baseline', function () {
  this.timeout(60_000);

  it('refuses a baseline of another model before sending any load (exit 2)', async () => {
    const dir = await tempDir();
    const { code, stderr } = await runMain(['run', 'overload', '--quick', '--out', path.join(dir, 'run'), '--baseline', frozen('open-onset.json')]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /open model/);
    assert.deepEqual(await readdir(dir), [], 'no run folder was even made');
  });

  it('compares a run with its baseline in one step and refreshes the baseline on request', async () => {
    const dir = await tempDir();
    const baseline = path.join(dir, 'overload.closed.json');
    await copyFile(frozen('closed-trials.json'), baseline);
    const out = path.join(dir, 'run');
    // search.start=16 reaches the onset (21) in a few short steps.
    const { code, stdout, stderr } = await runMain([
      'run', 'overload', '--quick', '--set', 'search.start=16', '--out', out,
      '--format', 'json,junit', '--baseline', baseline, '--tolerance', '15%', '--update-baseline', path.join(dir, 'fresh.json'),
    ]);
    assert.ok(code === 0 || code === 3, stderr);
    assert.match(stdout, /onset/);
    assert.deepEqual((await readdir(out)).sort(), ['comparison.json', 'comparison.md', 'gateway-error.log', 'junit.xml', 'report.json']);
    const comparison = JSON.parse(await readFile(path.join(out, 'comparison.json'), 'utf8')) as { metrics: { metric: string; verdict: string }[]; regressed: boolean };
    assert.equal(comparison.metrics.find((metric) => metric.metric === 'onset')?.verdict, 'unchanged', 'the same code finds the same onset');
    assert.equal(code, comparison.regressed ? 3 : 0);
    const junit = await readFile(path.join(out, 'junit.xml'), 'utf8');
    assert.match(junit, /<testcase[^>]*name="[^"]*onset/);
    const fresh = JSON.parse(await readFile(path.join(dir, 'fresh.json'), 'utf8')) as { scenario: { name: string } };
    assert.equal(fresh.scenario.name, 'overload');
  });
});

describe('overload compare on a run that measured nothing comparable', () => {
  it('exits 3, because no evidence is not a pass for a capacity gate', async () => {
    const { code, stdout, stderr } = await runMain(['compare', frozen('closed-trials.json'), frozen('empty.json')]);
    assert.equal(code, 3, stderr);
    assert.match(stdout, /insufficient data/);
    assert.match(stderr, /No metric could be compared/);
  });
});
