/**
 * The frozen reports in test/fixtures/reports/ (real runs, or derived from them once): by name,
 * as a validated Report, as raw JSON a test may break, or as a path for the CLI.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../../harness/report/report-schema.ts';
import type { Report } from '../../harness/report/schema.ts';

/** The path of `test/fixtures/reports/<name>.json`. */
export function frozenReportPath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/reports/${name}.json`, import.meta.url));
}

/** The file's text, as written. */
export function frozenReportText(name: string): string {
  return readFileSync(frozenReportPath(name), 'utf8');
}

/** The frozen report, read as `overload compare` and `report` read one. */
export function frozenReport(name: string): Report {
  return parseReport(JSON.parse(frozenReportText(name)));
}
