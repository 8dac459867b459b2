import assert from 'node:assert/strict';
import { OverloadError } from '../../harness/errors.ts';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render as renderJson } from '../../harness/report/render/json.ts';
import { render as renderMarkdown } from '../../harness/report/render/markdown.ts';
import { parseReport } from '../../harness/report/report-schema.ts';
import type { Report } from '../../harness/report/schema.ts';
import { CLAIM_FILE, prepareOutputDir, releaseOutputDir, runDirName, writeReportFiles } from '../../harness/report/write.ts';
import { rejection } from '../helpers/rejection.ts';

const report: Report = parseReport(
  JSON.parse(readFileSync(new URL('../fixtures/reports/closed-onset.json', import.meta.url), 'utf8')),
);
const NOW = new Date('2026-11-25T20:30:01.123Z');


describe('report writer', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'overload-write-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  describe('prepareOutputDir', () => {
    it('creates reports/runs/<scenario>-<UTC time with milliseconds>/ by default, with safe characters', async () => {
      const dir = await prepareOutputDir(undefined, 'overload', NOW, join(tmp, 'reports/runs'));
      assert.equal(dir, join(tmp, 'reports/runs', 'overload-2026-11-25T20-30-01-123Z'));
      assert.deepEqual(await readdir(dir), [CLAIM_FILE], 'claimed for the run');
      await releaseOutputDir(dir);
      assert.deepEqual(await readdir(dir), []);
    });

    const names: [string, string][] = [
      ['overload', 'overload-2026-11-25T20-30-01-123Z'],
      ['keep-alive race', 'keep-alive-race-2026-11-25T20-30-01-123Z'],
      ['../escape/me', 'escape-me-2026-11-25T20-30-01-123Z'],
      ['', 'scenario-2026-11-25T20-30-01-123Z'],
    ];
    for (const [name, expected] of names) {
      it(`names the default folder for scenario ${JSON.stringify(name)} as ${expected}`, () => {
        assert.equal(runDirName(name, NOW), expected);
      });
    }

    it('creates a missing --out folder with its parents', async () => {
      const out = join(tmp, 'a', 'b', 'out');
      assert.equal(await prepareOutputDir(out, 'overload', NOW), out);
      assert.deepEqual(await readdir(out), [CLAIM_FILE]);
    });

    it('accepts an existing empty --out folder and leaves nothing in it once released', async () => {
      const out = join(tmp, 'empty');
      await mkdir(out);
      await prepareOutputDir(out, 'overload', NOW);
      await releaseOutputDir(out);
      await releaseOutputDir(out);
      assert.deepEqual(await readdir(out), []);
    });

    it('gives a folder to one of two runs that start at once, and refuses the other, naming it', async () => {
      const out = join(tmp, 'race');
      const outcomes = await Promise.allSettled([prepareOutputDir(out, 'overload', NOW), prepareOutputDir(out, 'overload', NOW)]);
      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected');
      const reason: unknown = refused?.status === 'rejected' ? refused.reason : null;
      assert.ok(reason instanceof OverloadError && reason.code === 'OUTPUT_UNWRITABLE', String(reason));
      assert.match(reason.message, /claimed by another run|in use by another run/);
      // A third run while the first is still going: the claim says why it is refused.
      assert.match((await rejection(prepareOutputDir(out, 'overload', NOW))).message, new RegExp(`in use by another run \\(it holds ${CLAIM_FILE.replace('.', '\\.')}\\)`));
    });

    it('refuses a non-empty --out folder, naming it and the fix, with exit code 2', async () => {
      const out = join(tmp, 'used');
      await mkdir(out);
      await writeFile(join(out, 'report.json'), '{}');
      const error = await rejection(prepareOutputDir(out, 'overload', NOW));
      assert.equal(error.code, 'OUTPUT_UNWRITABLE');
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, `The output folder ${out} is not empty (it holds report.json); a run never mixes its files with others.`);
      assert.match(error.hint ?? '', /--out a new or empty folder/);
      assert.equal(await readFile(join(out, 'report.json'), 'utf8'), '{}');
    });

    it('refuses an --out path under a regular file before anything runs', async () => {
      const file = join(tmp, 'file');
      await writeFile(file, 'x');
      const out = join(file, 'out');
      const error = await rejection(prepareOutputDir(out, 'overload', NOW));
      assert.equal(error.code, 'OUTPUT_UNWRITABLE');
      assert.equal(error.message, `Cannot use the output folder ${out} (ENOTDIR: not a directory).`);
    });

    it('refuses an --out path that is a file', async () => {
      const file = join(tmp, 'file');
      await writeFile(file, 'x');
      const error = await rejection(prepareOutputDir(file, 'overload', NOW));
      assert.equal(error.message, `The output path ${file} exists and is not a folder.`);
    });
  });

  describe('writeReportFiles', () => {
    it('writes report.json and report.md as the renderers render them, and returns their paths', async () => {
      const paths = await writeReportFiles(tmp, report, ['json', 'md']);
      assert.deepEqual(paths, [join(tmp, 'report.json'), join(tmp, 'report.md')]);
      assert.equal(await readFile(join(tmp, 'report.json'), 'utf8'), renderJson(report));
      assert.equal(await readFile(join(tmp, 'report.md'), 'utf8'), renderMarkdown(report));
    });

    it('rewrites the files after every step, leaving only the latest report and no temp file', async () => {
      for (let n = 1; n <= report.steps.length; n++) {
        await writeReportFiles(tmp, { ...report, steps: report.steps.slice(0, n) }, ['json', 'md']);
      }
      assert.deepEqual((await readdir(tmp)).sort(), ['report.json', 'report.md']);
      assert.equal(await readFile(join(tmp, 'report.json'), 'utf8'), renderJson(report));
    });

    it('replaces the file by rename, not in place, so a reader sees the old report or the new one whole', async () => {
      // Writing in place keeps the inode and truncates it first; a rename swaps in a new inode.
      const path = join(tmp, 'report.json');
      await writeReportFiles(tmp, { ...report, steps: report.steps.slice(0, 1) }, ['json']);
      const before = await stat(path);
      await writeReportFiles(tmp, report, ['json']);
      const after = await stat(path);
      assert.notEqual(after.ino, before.ino);
      assert.equal(await readFile(path, 'utf8'), renderJson(report));
    });

    it('writes a format named twice once', async () => {
      assert.deepEqual(await writeReportFiles(tmp, report, ['json', 'json']), [join(tmp, 'report.json')]);
    });

    it('leaves no temp file behind when the rename fails, and says which file', async () => {
      // A folder where report.json should be makes rename() fail after the temp file was written.
      await mkdir(join(tmp, 'report.json'));
      const error = await rejection(writeReportFiles(tmp, report, ['json']));
      assert.equal(error.code, 'OUTPUT_UNWRITABLE');
      assert.match(error.message, new RegExp(`^Cannot write the report file ${join(tmp, 'report.json')} \\(E(ISDIR|EXIST|NOTEMPTY)`));
      assert.deepEqual(await readdir(tmp), ['report.json']);
    });

    it('fails with OUTPUT_UNWRITABLE when the folder has gone', async () => {
      const error = await rejection(writeReportFiles(join(tmp, 'gone'), report, ['md']));
      assert.equal(error.code, 'OUTPUT_UNWRITABLE');
    });
  });
});
