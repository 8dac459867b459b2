import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReport } from '../../harness/report/read.ts';
import { parseReport } from '../../harness/report/report-schema.ts';
import { rejection } from '../helpers/rejection.ts';

const REPORTS = fileURLToPath(new URL('../fixtures/reports/', import.meta.url));

/** `text` as a literal inside a RegExp (a temporary path holds dots). */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}


describe('readReport', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'overload-read-'));
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  for (const name of ['closed-onset', 'closed-trials', 'open-onset', 'empty']) {
    it(`reads the frozen ${name} report as parseReport does`, async () => {
      const file = join(REPORTS, `${name}.json`);
      assert.deepEqual(await readReport(file), parseReport(JSON.parse(readFileSync(file, 'utf8'))));
    });
  }

  it('reads an interrupted report with no step', async () => {
    const report = await readReport(join(REPORTS, 'empty.json'));
    assert.deepEqual([report.interrupted, report.steps, report.onset, report.capacity], [true, [], null, null]);
  });

  it('names the path and the OS error of a missing file, with a hint where reports are, and exits 2', async () => {
    const file = join(tmp, 'missing.json');
    const error = await rejection(readReport(file));
    assert.equal(error.code, 'REPORT_UNREADABLE');
    assert.equal(error.exitCode, 2);
    assert.equal(error.message, `Cannot read the report ${file}: ENOENT: no such file or directory.`);
    assert.match(error.hint ?? '', /reports\/runs\/<scenario>-<timestamp>\//);
  });

  it('points at the report.json inside a folder passed instead of the file', async () => {
    const error = await rejection(readReport(tmp));
    assert.equal(error.code, 'REPORT_UNREADABLE');
    assert.equal(error.message, `Cannot read the report ${tmp}: EISDIR: illegal operation on a directory.`);
    assert.equal(error.hint, `Pass the report file inside the folder, e.g. ${join(tmp, 'report.json')}.`);
  });

  it('names the file and the parse error of a file that is not JSON', async () => {
    const file = join(tmp, 'report.md');
    await writeFile(file, '# overload report: overload\n');
    const error = await rejection(readReport(file));
    assert.equal(error.code, 'REPORT_UNREADABLE');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, new RegExp(`^${literal(file)} is not JSON: .+\\.$`));
    assert.match(error.hint ?? '', /report\.json/);
  });

  it('lists parseReport’s problems for JSON that is not a report', async () => {
    const file = join(tmp, 'package.json');
    await writeFile(file, JSON.stringify({ name: 'overload', version: '0.1.0' }));
    const error = await rejection(readReport(file));
    assert.equal(error.code, 'REPORT_UNREADABLE');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, new RegExp(`^${literal(file)} is not a valid overload report \\(\\d+ problems\\)\\.$`));
    const paths = error.problems.map((p) => p.path);
    assert.ok(paths.includes('schemaVersion') && paths.includes('steps'), paths.join(', '));
    assert.equal(error.hint, 'Pass a report.json written by `overload run`.');
  });

  it('refuses a report of a newer schema version, naming the version and where to read it', async () => {
    const file = join(REPORTS, 'future-schema.json');
    const error = await rejection(readReport(file));
    assert.equal(error.code, 'REPORT_UNREADABLE');
    assert.equal(error.exitCode, 2);
    assert.equal(error.message, `${file} has report schema version 2; this overload reads version 1.`);
    assert.match(error.hint ?? '', /report\.tool\.version/);
  });
});
