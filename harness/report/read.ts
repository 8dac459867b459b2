/**
 * Reads a `report.json` from disk for `overload compare` (and any other reader of saved runs).
 * The only part of the comparison that touches the disk; `compare.ts` stays pure.
 *
 * Every failure is an {@link OverloadError} `REPORT_UNREADABLE` (exit 2), whatever went wrong —
 * no file, not JSON, not a report, a newer schema — so a caller can tell "this input is not a
 * report I can read" from the other mistakes by one code.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OverloadError } from '../errors.ts';
import { parseReport } from './report-schema.ts';
import type { Report } from './schema.ts';

/**
 * Reads, parses and validates the report at `file`; fields it does not know are dropped.
 * @throws OverloadError `REPORT_UNREADABLE` (exit 2): the file cannot be read (names the path and
 *   the OS error), is not JSON (names the parse error), or is not a report of this schema version
 *   (with `parseReport`'s problems, one per bad field).
 */
export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OverloadError('REPORT_UNREADABLE', `Cannot read the report ${file}: ${osError(error)}.`, {
      hint: unreadableHint(file, error),
      cause: error,
    });
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new OverloadError('REPORT_UNREADABLE', `${file} is not JSON: ${detail}.`, {
      hint: 'Pass the report.json that `overload run` wrote (not report.md or report.html).',
      cause: error,
    });
  }

  try {
    return parseReport(json, file);
  } catch (error) {
    // parseReport says USAGE; keep its message, problems and hint under the reader's one code.
    if (!(error instanceof OverloadError)) throw error;
    const options = { problems: error.problems, cause: error };
    throw new OverloadError('REPORT_UNREADABLE', error.message, error.hint === undefined ? options : { ...options, hint: error.hint });
  }
}

/**
 * The OS error without the path Node repeats in it: `ENOENT: no such file or directory, open
 * 'x.json'` → `ENOENT: no such file or directory` (our message names the path once already).
 */
function osError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const described = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message)?.[1];
  if (code !== undefined && described !== undefined) return `${code}: ${described}`;
  return error.message;
}

function unreadableHint(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // A run folder (reports/runs/<scenario>-<timestamp>/) is the likely mistake: name the file in it.
  if (code === 'EISDIR') return `Pass the report file inside the folder, e.g. ${join(file, 'report.json')}.`;
  if (code === 'ENOENT') return 'Check the path: `overload run` writes report.json into reports/runs/<scenario>-<timestamp>/.';
  if (code === 'EACCES' || code === 'EPERM') return 'Check the file’s permissions.';
  return 'Check that the file exists and can be read.';
}
