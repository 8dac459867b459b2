/**
 * The one module that puts reports on disk (STYLE.md, example 1; hyperfine's ExportManager).
 * The CLI calls {@link prepareOutputDir} before the run, so a bad `--out` fails before any load
 * is sent, and {@link writeReportFiles} after every step, so an interrupted or crashed run keeps
 * what it measured (DESIGN.md §1.4). Renderers only return strings.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OverloadError } from '../errors.ts';
import type { Comparison } from './comparison.ts';
import { renderFormats, type ReportFormat } from './render/formats.ts';
import type { Report } from './schema.ts';

/** Distinguishes the temp files of concurrent writes from one process. */
let tempCounter = 0;

/**
 * The default run folder's name: `<scenario>-<UTC time with milliseconds>`, with `:` and `.`
 * replaced so it is a valid name on every file system (`overload-2026-11-25T20-30-01-123Z`).
 * Characters other than letters, digits, `.`, `_` and `-` in the scenario name become `-`.
 */
export function runDirName(scenarioName: string, now: Date): string {
  return `${fileSafeName(scenarioName)}-${now.toISOString().replaceAll(/[:.]/g, '-')}`;
}

/**
 * A scenario name as a file name on every file system: characters other than letters, digits,
 * `.`, `_` and `-` become `-`, and a leading `.` or `-` goes (no hidden file, no option).
 */
export function fileSafeName(name: string): string {
  return name.replaceAll(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'scenario';
}

/**
 * Makes the folder a run writes into, and proves it writable, before the run starts.
 * `dir` (from `--out`) must be new or empty; it is created with its parents when missing. Without
 * it, the folder is `<root>/<scenario>-<UTC timestamp>/`. Returns the folder's path, as given or
 * joined (relative when `root` is). The run claims the folder with a file created exclusively
 * ({@link CLAIM_FILE}), so two runs started at once (the same `--out`, or the same default name in
 * the same millisecond) never share it: the second is refused. {@link releaseOutputDir} removes
 * the claim when the run is over.
 * @throws OverloadError `OUTPUT_UNWRITABLE` (exit 2) naming the path and the fix.
 */
export async function prepareOutputDir(
  dir: string | undefined,
  scenarioName: string,
  now: Date,
  root = 'reports/runs',
): Promise<string> {
  const target = dir ?? join(root, runDirName(scenarioName, now));
  const hint =
    dir === undefined
      ? `Pass --out DIR to write the reports elsewhere.`
      : `Pass --out a new or empty folder you can write to, or leave --out out to write to ${root}/<scenario>-<time>/.`;
  await ensureEmptyDir(target, hint);
  // Writing a file is the only honest writability check (access(W_OK) says yes to root on a
  // read-only mount), and writing it exclusively ('wx') is the claim: of two runs that both found
  // the folder empty, one creates it and the other gets EEXIST.
  try {
    await writeFile(join(target, CLAIM_FILE), `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if (codeOf(error) === 'EEXIST') throw unwritable(`The output folder ${target} was just claimed by another run (${CLAIM_FILE}); a run never mixes its files with others.`, hint, error);
    throw unwritable(`Cannot write in the output folder ${target} (${describe(error)}).`, hint, error);
  }
  return target;
}

/** The file that marks a folder as taken by a run in progress. */
export const CLAIM_FILE = '.overload-run';

/** Ends a run's claim on its folder ({@link prepareOutputDir}); safe to call twice. */
export async function releaseOutputDir(dir: string): Promise<void> {
  await rm(join(dir, CLAIM_FILE), { force: true });
}

/** Creates `target` if missing; refuses an existing file or a folder with anything in it. */
async function ensureEmptyDir(target: string, hint: string): Promise<void> {
  let entries: string[];
  try {
    const info = await stat(target);
    if (!info.isDirectory()) throw unwritable(`The output path ${target} exists and is not a folder.`, hint);
    entries = await readdir(target);
  } catch (error) {
    if (error instanceof OverloadError) throw error;
    if (codeOf(error) !== 'ENOENT') throw unwritable(`Cannot use the output folder ${target} (${describe(error)}).`, hint, error);
    try {
      await makeDirs(target);
    } catch (mkdirError) {
      throw unwritable(`Cannot create the output folder ${target} (${describe(mkdirError)}).`, hint, mkdirError);
    }
    return;
  }
  if (entries.includes(CLAIM_FILE)) {
    throw unwritable(`The output folder ${target} is in use by another run (it holds ${CLAIM_FILE}); a run never mixes its files with others.`, hint);
  }
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(', ');
    throw unwritable(
      `The output folder ${target} is not empty (it holds ${shown}${entries.length > 3 ? ', …' : ''}); a run never mixes its files with others.`,
      hint,
    );
  }
}

/**
 * Writes the report in each format into `dir` and returns the paths written, in the order of
 * `formats` (duplicates written once). Each file is written to a temp file in the same folder and
 * renamed over the old one: rename is atomic on one file system, so a reader (or a crash) sees
 * the previous complete report or the new one, never half of one. Safe to call after every step.
 * @throws OverloadError `OUTPUT_UNWRITABLE` when a file cannot be written; no temp file is left.
 */
export async function writeReportFiles(
  dir: string,
  report: Report,
  formats: readonly ReportFormat[],
  options: { comparison?: Comparison } = {},
): Promise<string[]> {
  const paths: string[] = [];
  for (const { file, text } of await renderFormats(report, formats, options)) {
    const path = join(dir, file);
    await writeAtomically(path, text);
    paths.push(path);
  }
  return paths;
}

/**
 * Writes one text file atomically (temp file and rename, as {@link writeReportFiles}), for files
 * that are not report formats: a comparison, a refreshed baseline.
 * @throws OverloadError `OUTPUT_UNWRITABLE` when it cannot be written; no temp file is left.
 */
export async function writeTextFile(path: string, text: string): Promise<void> {
  await mkdirFor(path);
  await writeAtomically(path, text);
}

async function mkdirFor(path: string): Promise<void> {
  try {
    await makeDirs(dirname(path));
  } catch (error) {
    throw unwritable(`Cannot create the folder of ${path} (${describe(error)}).`, 'Choose a path in a folder you can write to.', error);
  }
}

/**
 * `mkdir -p` that fails with the real reason. Node's recursive mkdir reports ENOENT for a folder it
 * could not create on a read-only file system (EROFS) or a full disk (ENOSPC): it stats the path
 * after the failed mkdir and throws the stat's error (nodejs/node#47098, open; seen on Node 20 by
 * test/e2e/readonly-out.test.ts). On ENOENT the folders are made again one at a time, without
 * `recursive`, so the one that fails throws its own code.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
    await makeDirsOneByOne(dir);
  }
}

async function makeDirsOneByOne(dir: string): Promise<void> {
  const parent = dirname(dir);
  if (parent !== dir) {
    try {
      await stat(parent);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw error;
      await makeDirsOneByOne(parent);
    }
  }
  try {
    await mkdir(dir);
  } catch (error) {
    // Made in the meantime (another run, or the recursive attempt got this far): as mkdir -p,
    // which is content with a folder but not with a file of that name.
    if (codeOf(error) !== 'EEXIST' || !(await stat(dir)).isDirectory()) throw error;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  tempCounter += 1;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw unwritable(`Cannot write the report file ${path} (${describe(error)}).`, 'Check that the output folder still exists and is writable, then run again.', error);
  }
}

function unwritable(message: string, hint: string, cause?: unknown): OverloadError {
  return new OverloadError('OUTPUT_UNWRITABLE', message, cause === undefined ? { hint } : { hint, cause });
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** `ENOTDIR: not a directory` style, without the stack or the repeated path. */
function describe(error: unknown): string {
  const code = codeOf(error);
  if (error instanceof Error) {
    const reason = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return code === undefined ? reason : `${code}: ${reason}`;
  }
  return String(error);
}
