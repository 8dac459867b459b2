/**
 * Checks across fields of a scenario (DESIGN.md §5), and the small helpers the validator and
 * `--set` share. The checks read the input with defaults filled in and skip any field that already
 * has a problem, so one mistake is reported once, at its own path. How a bad value is shown and
 * which name was meant are in `suggest.ts`.
 */
import type { Problem } from '../errors.ts';
import { DEFAULTS, OPEN_SEARCH_START_RPS } from './defaults.ts';
import { show } from './suggest.ts';

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

  const timeout = clientTimeoutProblem(num('load.clientTimeoutMs'), num('gateway.connectTimeoutMs'), num('gateway.upstreamTimeoutMs'), num('gateway.retries'));
  if (timeout !== undefined) problems.push(timeout);

  const method = read('load.method');
  const body = read('load.body');
  if (typeof body === 'string' && typeof method === 'string' && !BODY_METHODS.includes(method)) {
    add('load.body', body, `is only sent with POST, PUT or PATCH (load.method is ${method})`, 'set load.method to POST, PUT or PATCH, or remove load.body');
  }

  // One event loop computes one request at a time: C > 1 would promise a capacity it cannot give.
  const workers = num('upstream.workers');
  if (read('upstream.work') === 'cpu' && workers !== undefined && workers > 1) {
    add('upstream.workers', workers, 'must be 1 with upstream.work "cpu" (one event loop computes one request at a time)', 'set upstream.workers to 1, or upstream.work to "timer"');
  }

  const stepMs = num('load.stepMs');
  const maxDurationS = num('caps.maxDurationS');
  if (stepMs !== undefined && maxDurationS !== undefined && stepMs > maxDurationS * 1000) {
    add('load.stepMs', stepMs, `must fit in caps.maxDurationS (${maxDurationS} s)`, `set at most ${maxDurationS * 1000}`);
  }

  problems.push(...timelineProblems(read, num, add, maxDurationS));

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
  const offered = num('timeline.offered');
  if ((num('timeline.durationMs') ?? 0) > 0 && offered !== undefined && cap !== undefined && offered > cap) {
    add('timeline.offered', offered, `must not exceed ${capPath} (${cap} ${unit})`, `offer ${cap} or less, ${raise}`);
  }
  const attempts = num('load.retry.attempts');
  const giveUpMs = num('load.retry.timeoutMs');
  if (model === 'closed' && ((attempts ?? 1) > 1 || (giveUpMs ?? 0) > 0)) {
    add(attempts !== undefined && attempts > 1 ? 'load.retry.attempts' : 'load.retry.timeoutMs', attempts !== undefined && attempts > 1 ? attempts : (giveUpMs ?? 0), 'applies to the open model only (a closed-loop connection waits for each answer)', "set model: 'open', or remove load.retry");
  }
  const clientTimeoutMs = num('load.clientTimeoutMs');
  if (giveUpMs !== undefined && clientTimeoutMs !== undefined && giveUpMs > clientTimeoutMs) {
    add('load.retry.timeoutMs', giveUpMs, `must not exceed load.clientTimeoutMs (${clientTimeoutMs}), the longest any request is waited for`, `set at most ${clientTimeoutMs}`);
  }
  const baseMs = num('load.retry.baseMs');
  const maxMs = num('load.retry.maxMs');
  if (baseMs !== undefined && maxMs !== undefined && baseMs > maxMs) {
    add('load.retry.baseMs', baseMs, `must not exceed load.retry.maxMs (${maxMs})`, `set at most ${maxMs}, or raise load.retry.maxMs`);
  }
  const events = read('timeline.events');
  if (Array.isArray(events)) {
    events.forEach((event: unknown, index) => {
      if (!isRecord(event) || event.action !== 'set-load' || typeof event.offered !== 'number') return;
      if (model === 'closed') add(`timeline.events[${index}].action`, 'set-load', 'applies to the open model only (autocannon keeps its connections for the whole run)', "set model: 'open'");
      else if (cap !== undefined && event.offered > cap) add(`timeline.events[${index}].offered`, event.offered, `must not exceed ${capPath} (${cap} ${unit})`, `offer ${cap} or less, ${raise}`);
    });
  }
  const kind = read('gateway.kind');
  if (kind === 'nginx' || kind === 'haproxy') {
    // The real gateway decides its statuses: the profile (and so the criterion's statuses) must be its own.
    const profile = read('gateway.profile');
    if (typeof profile === 'string' && profile !== kind) add('gateway.profile', profile, `must be "${kind}" when gateway.kind is ${kind} (the real ${kind} decides its statuses)`, `set gateway.profile to ${kind} (--gateway ${kind} does), or use --gateway node`);
    const name = read('gateway.upstreamName');
    if (typeof name === 'string' && name !== '') add('gateway.upstreamName', name, 'works with the node gateway only (its DNS zone is in the fixture)', 'use --gateway node for DNS scenarios');
  }
  const burst = num('load.burst');
  if (model === 'closed' && burst !== undefined && burst > 1) {
    add('load.burst', burst, 'applies to the open model only (closed-loop connections send one request at a time)', "set model: 'open', or remove load.burst");
  }
  if (model === 'closed') {
    // In the closed model the offered load is a number of connections (autocannon `connections`).
    for (const path of ['search.start', 'ramp.from', 'ramp.to', 'ramp.step', 'timeline.offered']) {
      const v = given(path) ? num(path) : undefined;
      if (v !== undefined && !Number.isInteger(v)) add(path, v, 'must be a whole number of connections in the closed model', `use ${Math.ceil(v)}`);
    }
  }
  return problems;
}

/**
 * A timeline needs a load, events inside its duration, a name to resolve for DNS events, and must
 * fit the duration cap.
 */
function timelineProblems(
  read: (path: string) => unknown,
  num: (path: string) => number | undefined,
  add: (path: string, value: number | string, message: string, fix: string) => void,
  maxDurationS: number | undefined,
): never[] {
  const durationMs = num('timeline.durationMs');
  const events = read('timeline.events');
  if (durationMs === 0 && Array.isArray(events) && events.length > 0) {
    add('timeline.events', events.length, 'are set, but timeline.durationMs is 0 (not a timeline scenario): they would never happen', 'set timeline.durationMs (and timeline.offered), or remove the events');
  }
  if (durationMs === undefined || durationMs === 0) return [];
  const offered = num('timeline.offered');
  if (offered === 0) add('timeline.offered', 0, 'must be above 0 in a timeline scenario (timeline.durationMs is set)', 'set the steady load, e.g. 8 connections or 200 req/s, below the capacity');
  if (maxDurationS !== undefined && durationMs > maxDurationS * 1000) {
    add('timeline.durationMs', durationMs, `must fit in caps.maxDurationS (${maxDurationS} s)`, `set at most ${maxDurationS * 1000}`);
  }
  if (!Array.isArray(events)) return [];
  events.forEach((event: unknown, index) => {
    if (!isRecord(event)) return;
    if (typeof event.atMs === 'number' && event.atMs >= durationMs) {
      add(`timeline.events[${index}].atMs`, event.atMs, `must be before the end of the timeline (timeline.durationMs ${durationMs})`, `set it below ${durationMs}, or lengthen timeline.durationMs`);
    }
    if (event.action === 'set-dns' && read('gateway.upstreamName') === '') {
      add(`timeline.events[${index}].action`, 'set-dns', 'needs a name for the gateway to resolve (gateway.upstreamName is empty)', 'set gateway.upstreamName, e.g. "upstream.overload.test"');
    }
  });
  return [];
}

/**
 * How late the gateway's timers may fire: undici 7 runs its headers and body timeouts on a 499 ms
 * tick (lib/util/timers.js `TICK_MS`), so a 500 ms headers timeout fires 998 to 1,497 ms after it
 * is set, up to about 1 s late.
 */
const TIMER_SLACK_MS = 1000;

/**
 * The load generator must outwait the gateway, or it gives up first and never sees a 504
 * (DESIGN.md §3: autocannon's `timeout` must exceed the gateway's). One request can take, for each
 * attempt (1 + retries), the connect timeout and then the upstream timeout, plus the timers' slack:
 * client > (connect + upstream) × (1 + retries) + 1000 ms. The wait in the gateway's own queue is
 * bounded by no timer, so no setting can cover it; it is left out.
 */
function clientTimeoutProblem(client?: number, connect?: number, upstream?: number, retries?: number): Problem | undefined {
  if (client === undefined || connect === undefined || upstream === undefined || retries === undefined) return undefined;
  const limit = (connect + upstream) * (1 + retries) + TIMER_SLACK_MS;
  if (client > limit) return undefined;
  const suggestion = Math.floor(limit / 1000) * 1000 + 1000;
  return {
    path: 'load.clientTimeoutMs',
    value: show(client),
    message: `must exceed (gateway.connectTimeoutMs + gateway.upstreamTimeoutMs) × (1 + gateway.retries) + ${TIMER_SLACK_MS} = (${connect} + ${upstream}) × ${1 + retries} + ${TIMER_SLACK_MS} = ${limit}`,
    fix: `set load.clientTimeoutMs above ${limit}, e.g. ${suggestion}, or lower the gateway's timeouts: a request can wait the connect and the upstream timeout once per attempt (twice with a retry), plus ${TIMER_SLACK_MS} ms of timer slack, and a client that gives up first never sees the gateway's 504`,
  };
}

/** The default search start for a model: connections in the closed model, req/s in the open one. */
export function defaultSearchStart(model: 'closed' | 'open'): number {
  return model === 'closed' ? DEFAULTS.search.start : OPEN_SEARCH_START_RPS;
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(root: unknown, path: string): unknown {
  let here = root;
  for (const key of path.split('.')) here = isRecord(here) ? here[key] : undefined;
  return here;
}
