/**
 * Finds, imports, overrides and validates a scenario (DESIGN.md §1.1): `overload run overload`
 * loads `scenarios/overload.ts`; a path loads that file. Every problem (a file that does not load,
 * no default export, a bad `--set`, each invalid field) is reported at once in one OverloadError.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OverloadError, type Problem } from '../errors.ts';
import { isRecord } from './cross-checks.ts';
import { QUICK_STEP_MS } from './defaults.ts';
import { applyGatewayVariant, assertSupportedBehind } from './gateway-variant.ts';
import { applyOverrides } from './overrides.ts';
import type { Scenario } from './scenario.ts';
import { validateScenario } from './schema.ts';
import { closest } from './suggest.ts';

/** The repository's `scenarios/`, found from this module (not from the working directory). */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** Extensions of a named scenario's file, in the order they are tried. */
const NAMED_EXTENSIONS = ['.ts', '.js'];
/** A ref with a path separator or a script extension is a file path, not a name. */
const LOOKS_LIKE_PATH = /[\\/]|\.[cm]?[jt]s$/;

/** Options of {@link loadScenario}; `sets`, `quick` and `seed` mirror the CLI's flags. */
export interface LoadOptions {
  /** `--set path=value` overrides, applied in order before validation. */
  sets?: readonly string[];
  /** `--quick`: shortens `load.stepMs` to QUICK_STEP_MS, unless a `--set` fixed it. Nothing else. */
  quick?: boolean;
  /** `--seed N`: replaces the scenario's seed (after `--set`). */
  seed?: number;
  /** Where named scenarios live; {@link SCENARIOS_DIR} by default. */
  scenariosDir?: string;
}

/** One named scenario, as `overload list` shows it. */
export interface ScenarioListing {
  name: string;
  description: string;
  path: string;
}

/**
 * Loads the scenario `ref` (a name in the scenarios folder, or a path to a .ts/.js file relative
 * to the working directory), applies the options and validates it.
 * @throws OverloadError `SCENARIO_NOT_FOUND` naming where it looked and the available names,
 *   `SCENARIO_UNSUPPORTED` for a scenario that means nothing behind its gateway (`behind`), or
 *   `SCENARIO_INVALID` with every problem; all exit 2.
 */
export async function loadScenario(ref: string, options: LoadOptions = {}): Promise<Scenario> {
  const dir = options.scenariosDir ?? SCENARIOS_DIR;
  const file = await locate(ref, dir);
  const imported = await importDefault(file);
  const problems: Problem[] = imported.ok ? [] : [imported.problem];
  // Without a loaded file the overrides are still checked, so their problems come out now too.
  const overridden = applyOverrides(imported.ok ? imported.input : {}, options.sets ?? []);
  if (!overridden.ok) problems.push(...overridden.problems);
  if (imported.ok) {
    const input = options.seed === undefined || !isRecord(overridden.input) ? overridden.input : { ...overridden.input, seed: options.seed };
    if (overridden.ok) assertSupportedBehind(input, ref);
    const result = validateScenario(input);
    if (!result.ok) problems.push(...result.problems);
    else if (problems.length === 0) {
      const scenario = applyGatewayVariant(result.scenario, overridden.paths);
      return options.quick === true && !overridden.paths.includes('load.stepMs') ? quick(scenario) : scenario;
    }
  }
  throw new OverloadError('SCENARIO_INVALID', `Scenario "${ref}" (${file}) is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
    problems,
    hint: 'Each problem names the field, the bad value and a fix; `overload plan <scenario>` checks a scenario without sending load.',
  });
}

/** The named scenarios in `dir`, sorted by name; a file that does not load says so in its description. */
export async function listScenarios(dir: string = SCENARIOS_DIR): Promise<ScenarioListing[]> {
  const listings: ScenarioListing[] = [];
  for (const { name, file } of await scenarioFiles(dir)) {
    const imported = await importDefault(file);
    const input = imported.ok ? imported.input : undefined;
    const description = !imported.ok
      ? `(does not load: ${imported.problem.message})`
      : isRecord(input) && typeof input.description === 'string' ? input.description : '';
    listings.push({ name, description, path: file });
  }
  return listings;
}

function quick(scenario: Scenario): Scenario {
  // "Shortens": a step already shorter than QUICK_STEP_MS stays as it is.
  return { ...scenario, load: { ...scenario.load, stepMs: Math.min(scenario.load.stepMs, QUICK_STEP_MS) } };
}

async function locate(ref: string, dir: string): Promise<string> {
  const candidates = LOOKS_LIKE_PATH.test(ref) ? [path.resolve(ref)] : NAMED_EXTENSIONS.map((ext) => path.join(dir, `${ref}${ext}`));
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  const names = (await scenarioFiles(dir)).map((s) => s.name);
  const guess = closest(ref, names);
  const available = names.length > 0 ? `Available scenarios: ${names.join(', ')}.` : `There are no named scenarios in ${dir}.`;
  throw new OverloadError('SCENARIO_NOT_FOUND', `Scenario "${ref}" not found: looked for ${candidates.join(' and ')}`, {
    hint: `${guess === undefined ? '' : `Did you mean "${guess}"? `}${available} A path to a .ts or .js file works too, e.g. ./my-scenario.ts.`,
  });
}

/** `name.ts` / `name.js` files in `dir` (a .ts wins over a .js of the same name), sorted. */
async function scenarioFiles(dir: string): Promise<{ name: string; file: string }[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const byName = new Map<string, string>();
  for (const ext of [...NAMED_EXTENSIONS].reverse()) {
    for (const entry of entries) {
      if (entry.endsWith(ext) && !entry.endsWith('.d.ts') && !entry.startsWith('.')) byName.set(entry.slice(0, -ext.length), path.join(dir, entry));
    }
  }
  return [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([name, file]) => ({ name, file }));
}

/** Imports `file` (tsx compiles .ts) and returns its default export, or why there is none. */
async function importDefault(file: string): Promise<{ ok: true; input: unknown } | { ok: false; problem: Problem }> {
  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: { path: '', message: `the file does not load: ${firstLines(text)}`, fix: `correct ${path.basename(file)} where the error points` } };
  }
  if (isRecord(module) && module.default !== undefined) return { ok: true, input: module.default };
  return {
    ok: false,
    problem: { path: '', message: 'the file has no default export', fix: 'end it with export default defineScenario({ name: "my-scenario", ... })' },
  };
}

/** The first lines of a compiler or runtime error: enough to find the mistake, never a stack. */
function firstLines(text: string): string {
  return text.split('\n').filter((line) => line.trim() !== '').slice(0, 3).join(' ').slice(0, 300);
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}
