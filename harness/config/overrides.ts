/**
 * `--set path=value` (DESIGN.md §1.1, §6): each override names one known field; its text is typed
 * from that field's kind and merged into a copy of the scenario input *before* validation, so an
 * overridden value meets the same rules, messages and fixes as one written in the file.
 */
import type { Problem } from '../errors.ts';
import { isRecord } from './cross-checks.ts';
import type { FieldInfo } from './fields.ts';
import { SCENARIO_FIELDS, SCENARIO_SECTIONS, validateScenario } from './schema.ts';
import { closeMatches, show } from './suggest.ts';

/** One parsed `--set`: the field's path and its typed value. */
export interface Override {
  path: string;
  value: unknown;
}

/**
 * The input with the overrides merged and the paths they set; on failure, every problem too, and
 * the input with the overrides that did parse (so validation can still report the file's own).
 */
export type OverrideResult =
  | { ok: true; input: unknown; paths: string[] }
  | { ok: false; problems: Problem[]; input: unknown; paths: string[] };

/**
 * Parses every `--set` and merges them, in order (a later one wins), into a deep copy of `input`.
 * `input` itself is never changed. When it is not an object there is nothing to merge into; it is
 * returned as it is and validation reports it.
 */
export function applyOverrides(input: unknown, sets: readonly string[]): OverrideResult {
  const problems: Problem[] = [];
  const overrides: Override[] = [];
  for (const text of sets) {
    const parsed = parseOverride(text);
    if (parsed.ok) overrides.push(parsed.override);
    else problems.push(parsed.problem);
  }
  const paths: string[] = [];
  if (!isRecord(input)) return problems.length > 0 ? { ok: false, problems, input, paths } : { ok: true, input, paths };
  const merged = copy(input) as Record<string, unknown>;
  for (const { path, value } of overrides) {
    const problem = setAt(merged, path, value);
    if (problem === undefined) paths.push(path);
    else problems.push(problem);
  }
  return problems.length > 0 ? { ok: false, problems, input: merged, paths } : { ok: true, input: merged, paths };
}

/** Parses one `path=value` against the known fields. */
export function parseOverride(text: string): { ok: true; override: Override } | { ok: false; problem: Problem } {
  const equals = text.indexOf('=');
  if (equals <= 0) {
    const fix = equals < 0 && text.trim() !== '' ? `write --set ${text.trim()}=<value>` : 'write e.g. --set upstream.workers=8';
    return fail({ path: equals < 0 ? text.trim() : '', value: show(text), message: '--set must be written path=value', fix });
  }
  const path = text.slice(0, equals).trim();
  const raw = text.slice(equals + 1);
  const field = SCENARIO_FIELDS.get(path);
  if (field === undefined) return fail(unknownPath(path, raw));
  const value = typed(field, raw);
  if (value.ok) return { ok: true, override: { path, value: value.value } };
  return fail({ path, value: show(raw), message: value.message, fix: value.fix });
}

/** Types `raw` by the field's kind; ranges and enum members are left to validation. */
function typed(field: FieldInfo, raw: string): { ok: true; value: unknown } | { ok: false; message: string; fix: string } {
  const example = `--set ${field.path}=`;
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const n = toNumber(raw);
      return n === undefined ? { ok: false, message: 'must be a number', fix: `write e.g. ${example}${defaultOf(field.path)}` } : { ok: true, value: n };
    }
    case 'string':
    case 'enum':
      return { ok: true, value: raw };
    case 'number-list': {
      const items = raw.trim().replace(/^\[(.*)\]$/, '$1').split(',').map(toNumber);
      return items.every((n) => n !== undefined)
        ? { ok: true, value: items }
        : { ok: false, message: 'must be a list of numbers separated by commas', fix: `write e.g. ${example}502,504` };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { ok: false, message: 'must be JSON', fix: `write e.g. ${example}'[{"noFailuresBelow":20}]'` };
      }
  }
}

/** The default of a field, to show in a fix (`--set upstream.workers=4`). */
function defaultOf(path: string): string {
  const defaults = validateScenario({ name: 'defaults' });
  let here: unknown = defaults.ok ? defaults.scenario : undefined;
  for (const key of path.split('.')) here = isRecord(here) ? here[key] : undefined;
  return typeof here === 'number' ? String(here) : '1';
}

/** A number as written on a command line; `_` may group digits (`10_000`). */
function toNumber(raw: string): number | undefined {
  const text = raw.trim().replaceAll('_', '');
  const n = text === '' ? Number.NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function unknownPath(path: string, raw: string): Problem {
  const keys = SCENARIO_SECTIONS.get(path);
  if (keys !== undefined && path !== '') {
    const some = keys.slice(0, 3).map((k) => `${path}.${k}`).join(', ');
    return { path, value: show(raw), message: 'is a section, not a field', fix: `set one of its fields, e.g. ${some}` };
  }
  // Close by the whole path (`upstream.worker`) or by the last name alone (`workers`, `gateway.workers`).
  const known = [...SCENARIO_FIELDS.keys()];
  const last = path.split('.').at(-1) ?? path;
  const byLast = known.filter((p) => closeMatches(last, [p.split('.').at(-1) ?? p]).length > 0);
  const near = [...new Set([...closeMatches(path, known), ...byLast])].slice(0, 3);
  const fix = near.length > 0
    ? `did you mean ${near.map((p) => `\`${p}\``).join(' or ')}?`
    : `use a known path such as upstream.workers; the sections are ${[...SCENARIO_SECTIONS.keys()].filter((s) => s !== '').join(', ')}`;
  return { path, value: show(raw), message: 'is not a scenario field', fix };
}

/** Sets `path` in `root`, creating missing sections; refuses to replace a non-object. */
function setAt(root: Record<string, unknown>, path: string, value: unknown): Problem | undefined {
  const keys = path.split('.');
  const last = keys.pop() ?? path;
  let here = root;
  for (const [i, key] of keys.entries()) {
    const next = here[key] ?? {};
    if (!isRecord(next)) {
      const section = keys.slice(0, i + 1).join('.');
      return { path: section, value: show(next), message: `must be an object to take --set ${path}`, fix: `fix ${section} in the scenario file` };
    }
    here[key] = next;
    here = next;
  }
  here[last] = value;
  return undefined;
}

/** A deep copy of plain data (objects and arrays); anything else is kept as it is. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

function fail(problem: Problem): { ok: false; problem: Problem } {
  return { ok: false, problem };
}
