/**
 * Checks across fields of a scenario (DESIGN.md §5), and the small helpers the validator and
 * `--set` share. The checks read the input with defaults filled in and skip any field that already
 * has a problem, so one mistake is reported once, at its own path.
 */
import type { Problem } from '../errors.ts';
import { DEFAULTS, OPEN_SEARCH_START_RPS } from './defaults.ts';

/** Methods that carry a request body in our load (GET/HEAD/DELETE bodies are undefined behaviour). */
const BODY_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH'];

/**
 * Problems that no single field shows: client timeout vs the gateway's timeouts, loads vs caps,
 * ramp order, whole connection counts, `body` with a method that sends one, a step within the
 * duration cap. `known` are the problems already found; their fields are not read.
 */
export function crossFieldProblems(input: unknown, known: readonly Problem[]): Problem[] {
  const problems: Problem[] = [];
  const given = (path: string): boolean => at(input, path) !== undefined;
  const read = (path: string): unknown => {
    if (known.some((p) => p.path === '' || p.path === path || path.startsWith(`${p.path}.`))) return undefined;
    return given(path) ? at(input, path) : at(DEFAULTS, path);
  };
  const num = (path: string): number | undefined => { const v = read(path); return typeof v === 'number' ? v : undefined; };
  const add = (path: string, value: number | string, message: string, fix: string): void => {
    problems.push({ path, value: show(value), message, fix });
  };

  // The load generator must outwait the gateway, or it gives up first and never sees a 504
  // (DESIGN.md §3: autocannon's `timeout` must exceed the gateway's upstream timeout).
  const client = num('load.clientTimeoutMs');
  const upstream = num('gateway.upstreamTimeoutMs');
  const connect = num('gateway.connectTimeoutMs');
  if (client !== undefined && upstream !== undefined && connect !== undefined && client <= Math.max(upstream, connect)) {
    const limit = Math.max(upstream, connect);
    add('load.clientTimeoutMs', client, `must exceed gateway.upstreamTimeoutMs (${upstream}) and gateway.connectTimeoutMs (${connect})`,
      `set load.clientTimeoutMs above ${limit}, e.g. ${limit * 2}, or lower the gateway's timeouts: otherwise the client gives up first and the gateway's 504s never reach it`);
  }

  const method = read('load.method');
  const body = read('load.body');
  if (typeof body === 'string' && typeof method === 'string' && !BODY_METHODS.includes(method)) {
    add('load.body', body, `is only sent with POST, PUT or PATCH (load.method is ${method})`, 'set load.method to POST, PUT or PATCH, or remove load.body');
  }

  const stepMs = num('load.stepMs');
  const maxDurationS = num('caps.maxDurationS');
  if (stepMs !== undefined && maxDurationS !== undefined && stepMs > maxDurationS * 1000) {
    add('load.stepMs', stepMs, `must fit in caps.maxDurationS (${maxDurationS} s)`, `set at most ${maxDurationS * 1000}`);
  }

  const model = read('model');
  if (model !== 'closed' && model !== 'open') return problems;
  const capPath = model === 'closed' ? 'caps.maxConnections' : 'caps.maxRps';
  const unit = model === 'closed' ? 'connections' : 'req/s';
  const cap = num(capPath);
  const raise = `or raise ${capPath} (at most ${String(at(DEFAULTS, capPath))})`;
  const start = given('search.start') ? num('search.start') : undefined;
  if (start !== undefined && cap !== undefined && start > cap) {
    add('search.start', start, `must not exceed ${capPath} (${cap} ${unit})`, `start at ${cap} or lower, ${raise}`);
  }
  const from = num('ramp.from');
  const to = given('ramp.to') ? num('ramp.to') : cap === undefined ? undefined : Math.min(DEFAULTS.ramp.to, cap);
  if (given('ramp.to') && to !== undefined && cap !== undefined && to > cap) {
    add('ramp.to', to, `must not exceed ${capPath} (${cap} ${unit})`, `end the ramp at ${cap} or lower, ${raise}`);
  } else if (from !== undefined && to !== undefined && to < from) {
    if (given('ramp.to')) add('ramp.to', to, `must be at least ramp.from (${from})`, `set ramp.to to ${from} or more, or lower ramp.from`);
    else add('ramp.from', from, `must not exceed ramp.to (${to}, its default)`, `set ramp.to as well, to ${from} or more`);
  }
  if (model === 'closed') {
    // In the closed model the offered load is a number of connections (autocannon `connections`).
    for (const path of ['search.start', 'ramp.from', 'ramp.to', 'ramp.step']) {
      const v = given(path) ? num(path) : undefined;
      if (v !== undefined && !Number.isInteger(v)) add(path, v, 'must be a whole number of connections in the closed model', `use ${Math.ceil(v)}`);
    }
  }
  return problems;
}

/** The default search start for a model: connections in the closed model, req/s in the open one. */
export function defaultSearchStart(model: 'closed' | 'open'): number {
  return model === 'closed' ? DEFAULTS.search.start : OPEN_SEARCH_START_RPS;
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The problem with `value` set (rendered by {@link show}), or without one when there is none. */
export function withValue(problem: Problem, value: unknown): Problem {
  return value === undefined ? problem : { ...problem, value: show(value) };
}

/** Renders a bad value for a problem: JSON, cut short when long. */
export function show(value: unknown): string {
  const text = typeof value === 'function' ? '[function]' : (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The candidate nearest to `word` by edit distance (case-insensitive), if it is close enough to be
 * a typo: see {@link closeMatches}.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  return closeMatches(word, candidates, 1)[0];
}

/**
 * Up to `limit` candidates within typo distance of `word` (one edit per four characters, at least
 * one; case-insensitive), nearest first.
 */
export function closeMatches(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(1, Math.floor(word.length / 4));
  return [...candidates]
    .map((candidate) => ({ candidate, d: distance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ d }) => d <= threshold)
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so the
 * usual typos (`ngnix`, `wokers`, `Workers`) are all one edit away.
 */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { row.push(j); continue; }
      const up = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

function at(root: unknown, path: string): unknown {
  let here = root;
  for (const key of path.split('.')) here = isRecord(here) ? here[key] : undefined;
  return here;
}
