/**
 * Validates a scenario (DESIGN.md §5, STYLE.md example 5): strict zod objects, so a typo is an
 * error and not a silent default; every problem at once, each with its path, the bad value and a
 * fix; a new, fully defaulted object, whose defaults come only from `defaults.ts`.
 */
import { z } from 'zod';
import type { Problem } from '../errors.ts';
import { crossFieldProblems, defaultSearchStart, isRecord } from './cross-checks.ts';
import { DEFAULTS, profileFailureStatuses } from './defaults.ts';
import { EXPECT_MUST, expectation, expectationProblem } from './expectations.ts';
import { TIMELINE_EVENT_MUST, timelineEvent } from './timeline-events.ts';
import { choice, derivedNum, FIELD_RULES, int, num, type FieldInfo, type Range } from './fields.ts';
import type {
  AbandonedWork, Arrivals, Backoff, GatewayKind, GatewayProfile, HttpMethod, Model, Scenario, ServiceDistribution, ShedMode, UpstreamConnection, UpstreamWork,
} from './scenario.ts';
import { closest, withValue } from './suggest.ts';
import { pathProblem } from '../load/request-url.ts';

/** The outcome of {@link validateScenario}: a scenario, or every problem found. */
export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

const D = DEFAULTS;
/** setTimeout fires at once for delays above 2^31 − 1 ms (Node docs, `setTimeout`): cap timers there. */
const TIMER_MAX = 2_147_483_647;
const TIMER: Range = { min: 1, max: TIMER_MAX };
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const slug = (v: string): string => v.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '') || 'my-scenario';
const CEILING = 'the caps are ceilings in code';
/** A DNS name under the `.test` top-level domain, which no real resolver answers (RFC 6761 §6.2). */
const TEST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+test$/;

const upstream = z.strictObject({
  workers: int({ min: 1, max: 100_000, noun: 'worker' }, D.upstream.workers),
  queue: int({ min: 0, max: 1_000_000 }, D.upstream.queue),
  serviceMs: num({ min: 0, max: 600_000 }, D.upstream.serviceMs),
  serviceDistribution: choice<ServiceDistribution>()(['fixed', 'exponential', 'lognormal'], D.upstream.serviceDistribution),
  shed: choice<ShedMode>()(['reset', 'close', 'hang', '503'], D.upstream.shed),
  keepAliveTimeoutMs: int(TIMER, D.upstream.keepAliveTimeoutMs),
  connectionLimit: int({ min: 0, note: '0 means no limit' }, D.upstream.connectionLimit),
  invalidEvery: int({ min: 0, note: '0 means never' }, D.upstream.invalidEvery),
  work: choice<UpstreamWork>()(['timer', 'cpu'], D.upstream.work),
  backlog: int({ min: 1, max: 65_535, noun: 'connection' }, D.upstream.backlog),
  connection: choice<UpstreamConnection>()(['keep-alive', 'close'], D.upstream.connection),
  acceptRate: num({ min: 0, note: '0 means no limit' }, D.upstream.acceptRate),
  crashAboveInFlight: int({ min: 0, noun: 'request', note: '0 means never' }, D.upstream.crashAboveInFlight),
  restartDelayMs: int({ min: 0, max: TIMER_MAX }, D.upstream.restartDelayMs),
  finDelayMs: int({ min: 0, max: 60_000, note: '0 means no relay' }, D.upstream.finDelayMs),
  abandoned: choice<AbandonedWork>()(['cancel', 'serve'], D.upstream.abandoned),
});
const gateway = z.strictObject({
  kind: choice<GatewayKind>()(['node', 'nginx', 'haproxy'], D.gateway.kind),
  profile: choice<GatewayProfile>()(['nginx', 'haproxy', 'envoy', 'alb'], D.gateway.profile),
  poolConnections: int({ min: 1, noun: 'connection' }, D.gateway.poolConnections),
  queueLimit: int({ min: 0 }, D.gateway.queueLimit),
  connectTimeoutMs: int(TIMER, D.gateway.connectTimeoutMs),
  upstreamTimeoutMs: int(TIMER, D.gateway.upstreamTimeoutMs),
  retries: int({ min: 0, max: 1, note: '1 is the nginx-style retry' }, D.gateway.retries),
  upstreamName: z.string().regex(TEST_NAME).or(z.literal('')).default(D.gateway.upstreamName).register(FIELD_RULES, {
    kind: 'string',
    must: 'must be a host name under .test (RFC 6761 keeps it off every real resolver), or empty to connect by address',
    fix: (v) => (typeof v === 'string' && v !== '' ? `write "${slug(v.replace(/\.test$/, '')).replace(/-+$/, '') || 'upstream'}.test"` : 'write e.g. "upstream.overload.test"'),
  }),
  dnsTtlMs: int({ min: 0, max: TIMER_MAX }, D.gateway.dnsTtlMs),
});
const load = z.strictObject({
  arrivals: choice<Arrivals>()(['uniform', 'poisson'], D.load.arrivals),
  burst: int({ min: 1, max: 10_000, noun: 'request' }, D.load.burst),
  method: choice<HttpMethod>()(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], D.load.method),
  path: z.string().refine((v) => pathProblem(v) === null).default(D.load.path).register(FIELD_RULES, {
    kind: 'string',
    must: 'must be a request path starting with a single / and without backslashes',
    fix: (v) => (typeof v === 'string' ? `write "/${v.replaceAll('\\', '/').replace(/^\/*/, '')}"` : 'write a path such as "/"'),
  }),
  body: z.string().optional().register(FIELD_RULES, { kind: 'string', must: 'must be a string', fix: () => 'write the body as a string, e.g. JSON.stringify({ ... })' }),
  stepMs: int({ min: 100, max: TIMER_MAX }, D.load.stepMs),
  clientTimeoutMs: int(TIMER, D.load.clientTimeoutMs),
  retry: z
    .strictObject({
      attempts: int({ min: 1, max: 10, noun: 'attempt', note: '1 means never retry' }, D.load.retry.attempts),
      timeoutMs: int({ min: 0, max: TIMER_MAX, note: '0 means load.clientTimeoutMs' }, D.load.retry.timeoutMs),
      backoff: choice<Backoff>()(['none', 'exponential'], D.load.retry.backoff),
      baseMs: int({ min: 1, max: TIMER_MAX }, D.load.retry.baseMs),
      maxMs: int({ min: 1, max: TIMER_MAX }, D.load.retry.maxMs),
      budget: num({ min: 0, max: 10, note: '0 means no budget' }, D.load.retry.budget),
    })
    .prefault({}),
});
const search = z.strictObject({
  start: derivedNum({ min: 1 }, D.search.start),
  precision: num({ min: 0, above: true, max: 0.5 }, D.search.precision),
  maxSteps: int({ min: 1, max: 200, noun: 'step' }, D.search.maxSteps),
});
const ramp = z.strictObject({
  from: num({ min: 1 }, D.ramp.from),
  to: derivedNum({ min: 1 }, D.ramp.to),
  step: num({ min: 1 }, D.ramp.step),
  stopAfterFailures: int({ min: 1, noun: 'failure' }, D.ramp.stopAfterFailures),
});
const criterion = z.strictObject({
  failureRatio: num({ min: 0, above: true, max: 1, below: true }, D.criterion.failureRatio),
  statuses: z.array(z.number().int().gte(100).lte(599)).min(1).optional().register(FIELD_RULES, {
    kind: 'number-list',
    must: 'must be a non-empty list of HTTP statuses (integers from 100 to 599)',
    fix: () => 'write a list such as [502] or [502, 504], or leave it out for the profile\'s statuses',
  }),
});
const caps = z.strictObject({
  maxConnections: int({ min: 1, max: D.caps.maxConnections, noun: 'connection', note: CEILING }, D.caps.maxConnections),
  maxRps: int({ min: 1, max: D.caps.maxRps, note: CEILING }, D.caps.maxRps),
  maxDurationS: int({ min: 1, max: D.caps.maxDurationS, note: CEILING }, D.caps.maxDurationS),
  maxRequests: int({ min: 1, max: D.caps.maxRequests, noun: 'request', note: CEILING }, D.caps.maxRequests),
});

const timeline = z.strictObject({
  durationMs: int({ min: 0, max: TIMER_MAX, note: '0 means not a timeline scenario' }, D.timeline.durationMs),
  offered: num({ min: 0 }, D.timeline.offered),
  bucketMs: int({ min: 50, max: 60_000 }, D.timeline.bucketMs),
  events: z.array(timelineEvent).default([]).register(FIELD_RULES, {
    kind: 'json',
    must: `must be a list; each entry ${TIMELINE_EVENT_MUST}`,
    fix: () => "write e.g. [{ atMs: 3000, action: 'stop-upstream' }, { atMs: 6000, action: 'start-upstream' }]",
  }),
});

/** One real gateway's reading of the scenario (scenario.ts `GatewayVariant`). */
const gatewayVariant = z.strictObject({
  note: z.string().min(1),
  expect: z.array(expectation).optional(),
  unsupported: z.boolean().optional(),
});
const VARIANT_RULE = {
  kind: 'json',
  must: 'must be { note: "why this gateway differs, with its source", expect?: [...], unsupported?: true }',
  fix: () => "write e.g. { note: 'HAProxy answers 503 for a refused connection (configuration.txt §8.5, SC)', expect: [{ failureWindows: { min: 1 } }] }",
} as const;

/** The scenario schema; sections default to `{}` (then to their fields' defaults) when left out. */
const scenarioSchema = z.strictObject({
  name: z.string().regex(NAME).register(FIELD_RULES, {
    kind: 'string',
    required: true,
    must: 'must be lowercase letters, digits and dashes, starting with a letter or digit',
    fix: (v) => (typeof v === 'string' ? `write e.g. "${slug(v)}"` : 'add name: "my-scenario"'),
  }),
  description: z.string().default(D.description).register(FIELD_RULES, { kind: 'string', must: 'must be a string', fix: () => 'write one line that says what the scenario shows' }),
  model: choice<Model>()(['closed', 'open'], D.model),
  upstream: upstream.prefault({}),
  gateway: gateway.prefault({}),
  load: load.prefault({}),
  search: search.prefault({}),
  ramp: ramp.prefault({}),
  criterion: criterion.prefault({}),
  caps: caps.prefault({}),
  timeline: timeline.prefault({}),
  seed: z.number().int().default(D.seed).register(FIELD_RULES, { kind: 'integer', must: 'must be an integer', fix: () => `write a whole number, e.g. ${D.seed}` }),
  expect: z.array(expectation).optional().register(FIELD_RULES, {
    kind: 'json',
    must: `must be a list; each entry ${EXPECT_MUST}`,
    fix: () => 'write e.g. [{ noFailuresBelow: 20 }]',
  }),
  behind: z
    .strictObject({ nginx: gatewayVariant.optional().register(FIELD_RULES, VARIANT_RULE), haproxy: gatewayVariant.optional().register(FIELD_RULES, VARIANT_RULE) })
    .prefault({}),
});

/** Every leaf field by path, and every section's keys by path (`''` is the scenario itself). */
function walk(object: z.ZodObject, prefix: string, fields: Map<string, FieldInfo>, sections: Map<string, string[]>): void {
  sections.set(prefix, Object.keys(object.shape));
  for (const [key, schema] of Object.entries(object.shape)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const rule = FIELD_RULES.get(schema);
    if (rule !== undefined) fields.set(path, { path, ...rule });
    else if (schema instanceof z.ZodPrefault && schema.unwrap() instanceof z.ZodObject) walk(schema.unwrap() as z.ZodObject, path, fields, sections);
  }
}
const fields = new Map<string, FieldInfo>();
const sections = new Map<string, string[]>();
walk(scenarioSchema, '', fields, sections);

/** Every settable field of a scenario, by dotted path (for `--set` and for suggestions). */
export const SCENARIO_FIELDS: ReadonlyMap<string, FieldInfo> = fields;
/** The keys of each section by path: `''` → `name, description, …`, `upstream` → `workers, …`. */
export const SCENARIO_SECTIONS: ReadonlyMap<string, readonly string[]> = sections;

/**
 * Validates `input` and returns a new, fully defaulted scenario, or every problem found (field
 * rules first, in the order of the schema, then the checks across fields). Never mutates `input`.
 */
export function validateScenario(input: unknown): ValidationResult {
  const parsed = scenarioSchema.safeParse(input);
  const problems = parsed.success ? [] : toProblems(parsed.error.issues, input);
  problems.push(...crossFieldProblems(input, problems));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, scenario: complete(parsed.data) };
}

/**
 * Fills the defaults that depend on other fields (search.start, ramp.to, criterion.statuses) and
 * `expect`, whose default is typed more loosely than its schema's output.
 */
function complete(data: z.output<typeof scenarioSchema>): Scenario {
  const cap = data.model === 'closed' ? data.caps.maxConnections : data.caps.maxRps;
  const { body, ...load } = data.load;
  return {
    ...data,
    load: body === undefined ? load : { ...load, body },
    // A default may not break a cap the scenario lowered; an explicit value above it is an error.
    search: { start: data.search.start ?? Math.min(defaultSearchStart(data.model), cap), precision: data.search.precision, maxSteps: data.search.maxSteps },
    ramp: { from: data.ramp.from, to: data.ramp.to ?? Math.min(D.ramp.to, cap), step: data.ramp.step, stopAfterFailures: data.ramp.stopAfterFailures },
    criterion: { ...data.criterion, statuses: data.criterion.statuses ?? profileFailureStatuses(data.gateway.profile) },
    timeline: { ...data.timeline, events: data.timeline.events.map((event) => ({ ...event })) },
    expect: data.expect ?? structuredClone(D.expect),
  };
}

/** Turns zod's issues into problems with our wording: one per path. */
function toProblems(issues: readonly z.core.$ZodIssue[], input: unknown): Problem[] {
  const problems: Problem[] = [];
  const add = (p: Problem): void => { if (!problems.some((q) => q.path === p.path)) problems.push(p); };
  for (const issue of issues) {
    const [head, index] = issue.path;
    if (head === 'expect' && typeof index === 'number') {
      add(expectationProblem(isRecord(input) && Array.isArray(input.expect) ? input.expect[index] : undefined, index));
      continue;
    }
    const segments = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(unknownKey(segments.join('.'), key, valueAt(input, [...segments, key])));
      continue;
    }
    add(fieldProblem(segments, input));
  }
  return problems;
}

function fieldProblem(segments: string[], input: unknown): Problem {
  // Issues inside a list (criterion.statuses[1]) belong to the list's own field.
  for (let n = segments.length; n > 0; n--) {
    const path = segments.slice(0, n).join('.');
    const field = fields.get(path);
    if (field === undefined) continue;
    const value = valueAt(input, segments.slice(0, n));
    const message = value === undefined && field.required === true ? 'is required' : field.must;
    return withValue({ path, message, fix: field.fix(value) }, value);
  }
  const path = segments.join('.');
  const keys = sections.get(path) ?? [];
  const fix = path === ''
    ? 'export default defineScenario({ name: "my-scenario", ... })'
    : `write { ${keys.slice(0, 3).join(', ')}, ... }, or leave it out to use the defaults`;
  return withValue({ path, message: path === '' ? 'must be an object (the scenario)' : 'must be an object', fix }, valueAt(input, segments));
}

function unknownKey(parent: string, key: string, value: unknown): Problem {
  const path = parent === '' ? key : `${parent}.${key}`;
  const siblings = sections.get(parent) ?? [];
  const guess = closest(key, siblings);
  const elsewhere = [...fields.keys(), ...sections.keys()].find((p) => p.endsWith(`.${key}`));
  const fix = guess !== undefined
    ? `did you mean \`${guess}\`?`
    : elsewhere !== undefined ? `it belongs elsewhere: did you mean \`${elsewhere}\`?` : `remove it; the known fields here are ${siblings.join(', ')}`;
  return withValue({ path, message: 'is not a known field', fix }, value);
}

function valueAt(input: unknown, segments: readonly string[]): unknown {
  let here = input;
  for (const key of segments) here = isRecord(here) ? here[key] : undefined;
  return here;
}
