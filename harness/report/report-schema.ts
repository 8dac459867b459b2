/**
 * The report as a zod 4 schema, for readers (`compare`, `report`, baselines) and for the
 * published JSON Schema. It mirrors the `Report` interface in `schema.ts`, which stays the
 * documented source; {@link ReportSchemaMatchesReport} makes the compiler refuse any drift between
 * the two. Objects are zod's default (unknown keys stripped), so a reader ignores fields it does
 * not know, as schema version 1 promises (DESIGN.md §6).
 */
import { z } from 'zod';
import { OverloadError, type Problem } from '../errors.ts';
import { SCHEMA_VERSION, type Report } from './schema.ts';

const counts = z.record(z.string(), z.number());

const latencySummary = z.object({
  count: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
});

const generatorHealth = z.object({
  cpu: z.number(),
  eventLoopDelayP99Ms: z.number(),
  eventLoopDelayMaxMs: z.number(),
  sendLagP99Ms: z.number().nullable(),
});

const stepResult = z.object({
  index: z.number().describe('Order in which the step ran, from 0.'),
  offered: z.number().describe('Offered load: connections (closed model) or req/s (open model).'),
  durationMs: z.number().describe('The window in which requests were sent; rates are per this window.'),
  tailMs: z.number().describe('After the window, how long the step waited for requests still in flight.'),
  sent: z.number().describe('Requests written by the generator.'),
  completed: z.number().describe('Requests answered with any HTTP status.'),
  errored: z.number().describe('Requests that ended in a client-side error; by code in `errors`.'),
  lost: z.number().describe('Requests whose connection closed with no response and no error.'),
  unfinished: z.number().describe('Requests still in flight when the step ended (window and tail).'),
  late: z.number().describe('Open model only: arrivals the generator could not send on time.'),
  achievedRps: z.number().describe('Completed responses (any status) per second of the window (durationMs).'),
  goodputRps: z.number().describe('2xx responses per second of the window (durationMs).'),
  failures: z.number().describe('Gateway-generated responses with a criterion status, plus errored and lost requests.'),
  failureRatio: z.number().describe('failures / (sent - unfinished): the share of the requests that finished in the step that failed; 0 when none finished.'),
  passed: z.boolean().describe('Whether the failure ratio stayed under the criterion.'),
  predictedFailureRatio: z.number().nullable().describe('What theory predicts for this load, where a model applies.'),
  status: counts.describe('Responses by status code, as the client saw them.'),
  errors: counts.describe('Client-side errors by code.'),
  causes: counts.describe('Gateway failures by cause code during the step.'),
  latencyMs: z
    .object({ ok: latencySummary.nullable(), failed: latencySummary.nullable(), fromIntended: latencySummary.nullable() })
    .describe('Latency percentiles in milliseconds (HDR histogram definition).'),
  generator: generatorHealth,
  fixtures: z
    .object({ upstreamPeakQueued: z.number(), gatewayPeakQueued: z.number(), upstreamShed: z.number(), upstreamServiceMs: z.number().nullable() })
    .nullable(),
  drainMs: z.number(),
  valid: z.boolean().describe('False when the generator was the bottleneck; such a step is never the onset.'),
  invalidReason: z.string().nullable(),
});

const unit = z.enum(['connections', 'rps']);

const onset = z.object({
  value: z.number(),
  low: z.number().describe('Highest load measured to pass.'),
  high: z.number().describe('Lowest load measured to fail.'),
  unit,
  criterion: z.object({ failureRatio: z.number(), statuses: z.array(z.number()) }),
});

const expectation = z.union([
  z.object({ onset: z.object({ between: z.tuple([z.number(), z.number()]) }) }),
  z.object({ dominantCause: z.string() }),
  z.object({ noFailuresBelow: z.number() }),
  z.object({ onsetMatchesTheory: z.literal(true) }),
  z.object({ causeBelowOnset: z.string() }),
  z.object({ recoveryWithinMs: z.number() }),
  z.object({ failureWindows: z.object({ min: z.number(), max: z.number().optional() }) }),
  z.object({ noFailuresBeforeMs: z.number() }),
  z.object({ goodputAfter: z.object({ fromMs: z.number(), minRps: z.number().optional(), maxRps: z.number().optional() }) }),
]);

const timeline = z.object({
  offered: z.number(),
  durationMs: z.number(),
  bucketMs: z.number(),
  buckets: z.array(
    z.object({
      t: z.number(),
      sent: z.number(),
      ok: z.number(),
      failures: z.number(),
      firstFailureAt: z.number().nullable(),
      lastFailureAt: z.number().nullable(),
      status: counts,
      errors: counts,
      causes: counts,
    }),
  ),
  events: z.array(z.object({ t: z.number(), what: z.string(), detail: z.string(), planned: z.boolean(), effect: z.enum(['fault', 'recovery']).nullable() })),
  windows: z.array(z.object({ start: z.number(), end: z.number(), failures: z.number(), dominantCause: z.string().nullable() })),
  recoveries: z.array(z.object({ what: z.string(), t: z.number(), recoveredAfterMs: z.number().nullable() })),
  totals: z.object({ sent: z.number(), ok: z.number(), failures: z.number() }),
  latencyMs: z.object({ ok: latencySummary.nullable(), failed: latencySummary.nullable() }),
  generator: generatorHealth,
  valid: z.boolean(),
  invalidReason: z.string().nullable(),
});

const timelineEvent = z.union([
  z.object({ atMs: z.number(), action: z.literal('stop-upstream') }),
  z.object({ atMs: z.number(), action: z.literal('start-upstream') }),
  z.object({ atMs: z.number(), action: z.literal('set-dns'), address: z.string().nullable() }),
  z.object({ atMs: z.number(), action: z.literal('set-load'), offered: z.number() }),
]);

/** The resolved scenario (`Scenario` in `config/scenario.ts`), read leniently: this is a reader, not the validator. */
const gatewayVariant = z.object({ note: z.string(), expect: z.array(expectation).optional(), unsupported: z.boolean().optional() });

const scenarioParameters = z.object({
  name: z.string(),
  description: z.string(),
  model: z.enum(['closed', 'open']),
  upstream: z.object({
    workers: z.number(),
    queue: z.number(),
    serviceMs: z.number(),
    serviceDistribution: z.enum(['fixed', 'exponential', 'lognormal']),
    shed: z.enum(['reset', 'close', 'hang', '503']),
    keepAliveTimeoutMs: z.number(),
    // Added after the first reports: absent in those, which had neither fault (0).
    connectionLimit: z.number().default(0),
    invalidEvery: z.number().default(0),
    work: z.enum(['timer', 'cpu']).default('timer'),
    backlog: z.number().default(511),
    connection: z.enum(['keep-alive', 'close']).default('keep-alive'),
    acceptRate: z.number().default(0),
    crashAboveInFlight: z.number().default(0),
    restartDelayMs: z.number().default(1000),
    finDelayMs: z.number().default(0),
    abandoned: z.enum(['cancel', 'serve']).default('cancel'),
  }),
  gateway: z.object({
    kind: z.enum(['node', 'nginx', 'haproxy']),
    profile: z.enum(['nginx', 'haproxy', 'envoy', 'alb']),
    poolConnections: z.number(),
    queueLimit: z.number(),
    connectTimeoutMs: z.number(),
    upstreamTimeoutMs: z.number(),
    retries: z.number(),
    upstreamName: z.string().default(''),
    dnsTtlMs: z.number().default(5000),
  }),
  load: z.object({
    arrivals: z.enum(['uniform', 'poisson']),
    burst: z.number().default(1),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string(),
    // exactOptional: `body?: string`, never `body: undefined` (exactOptionalPropertyTypes).
    body: z.string().exactOptional(),
    stepMs: z.number(),
    clientTimeoutMs: z.number(),
    // Added with retry-storm: absent in earlier reports, whose clients never retried.
    retry: z
      .object({ attempts: z.number(), timeoutMs: z.number(), backoff: z.enum(['none', 'exponential']), baseMs: z.number(), maxMs: z.number(), budget: z.number() })
      .default({ attempts: 1, timeoutMs: 0, backoff: 'none', baseMs: 100, maxMs: 2000, budget: 0 }),
  }),
  search: z.object({ start: z.number(), precision: z.number(), maxSteps: z.number() }),
  ramp: z.object({ from: z.number(), to: z.number(), step: z.number(), stopAfterFailures: z.number() }),
  criterion: z.object({ failureRatio: z.number(), statuses: z.array(z.number()) }),
  caps: z.object({ maxConnections: z.number(), maxRps: z.number(), maxDurationS: z.number(), maxRequests: z.number() }),
  // Added with timeline scenarios: absent in earlier reports, which had none (durationMs 0).
  timeline: z
    .object({ durationMs: z.number(), offered: z.number(), bucketMs: z.number(), events: z.array(timelineEvent) })
    .default({ durationMs: 0, offered: 0, bucketMs: 250, events: [] }),
  seed: z.number(),
  expect: z.array(expectation),
  // Added with the catalogue behind real gateways: absent in earlier reports, which had no variants.
  behind: z
    .object({
      nginx: gatewayVariant.optional(),
      haproxy: gatewayVariant.optional(),
    })
    .default({}),
});

/** The zod schema of `report.json` (schema version 1). */
export const reportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('overload'), version: z.string() }),
  createdAt: z.string(),
  interrupted: z.boolean().describe('True when the run stopped early; the steps are what was measured.'),
  scenario: z.object({ name: z.string(), description: z.string(), parameters: scenarioParameters }),
  environment: z.object({ node: z.string(), platform: z.string(), cpuModel: z.string(), cpus: z.number() }),
  gateway: z.object({ kind: z.string(), profile: z.string() }),
  target: z
    .object({
      url: z.string(),
      pinnedAddress: z.string(),
      authorizedBy: z.string(),
      gatewayLog: z
        .object({ path: z.string(), format: z.enum(['nginx', 'haproxy']).nullable() })
        .exactOptional()
        .describe('With --gateway-log: the user’s gateway log the causes were read from, and its format (null: none detected).'),
      tls: z
        .object({
          serverName: z.string().nullable(),
          protocol: z.string(),
          subject: z.string(),
          issuer: z.string(),
          validTo: z.string(),
          fingerprint256: z.string(),
          caFile: z.string().nullable(),
        })
        .exactOptional()
        .describe('https targets only: the certificate checked before any load, the name sent for it and the extra CA trusted.'),
    })
    .exactOptional()
    .describe('External targets only (--target): the URL, the address every connection used, and what authorized it.'),
  model: z.enum(['closed', 'open']),
  unit,
  plan: z.enum(['search', 'ramp', 'timeline']),
  timeline: timeline.exactOptional().describe('Timeline scenarios only: buckets against time, events, failure windows, recoveries.'),
  steps: z.array(stepResult).describe('Steps of the first trial, in the order they ran.'),
  onset: onset.nullable().describe('The onset (median over trials with --repeat), or null when none was found.'),
  onsetNote: z.string().nullable().describe('Why no onset was found, when `onset` is null.'),
  onsetSpread: z.object({ min: z.number(), max: z.number(), trials: z.number() }).nullable(),
  capacity: z.object({ maxGoodputRps: z.number(), atOffered: z.number() }).nullable(),
  theory: z
    .object({
      serviceMsMeasured: z.number().nullable(),
      capacityRps: z.number().nullable(),
      onset: z.number().nullable(),
      basis: z.string(),
      limitedBy: z.enum(['upstream', 'gateway']).nullable(),
    })
    .nullable(),
  causes: counts.describe('Failures by cause over the whole run, largest first.'),
  explanation: z.array(z.string()).describe('Sentences built from the measured causes.'),
  trials: z.array(z.object({ index: z.number(), seed: z.number(), onset: onset.nullable(), steps: z.array(stepResult) })),
  expectations: z.array(z.object({ description: z.string(), passed: z.boolean(), actual: z.string() })),
});

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/**
 * Compile-time proof that the schema and the `Report` interface describe the same type: if either
 * drifts (a field added, renamed, retyped), this line stops type-checking. Update both together.
 */
export type ReportSchemaMatchesReport = Assert<MutuallyAssignable<z.infer<typeof reportSchema>, Report>>;

/**
 * Reads a parsed `report.json` into a `Report`, dropping fields it does not know (a newer
 * overload may add optional ones). `source` names the input in messages (a file path).
 * @throws OverloadError `USAGE` (exit 2) with one problem per bad field, each with its path.
 */
export function parseReport(json: unknown, source = 'the report'): Report {
  const version = typeof json === 'object' && json !== null && 'schemaVersion' in json ? json.schemaVersion : undefined;
  if (version !== undefined && version !== SCHEMA_VERSION) {
    throw new OverloadError('USAGE', `${source} has report schema version ${JSON.stringify(version)}; this overload reads version ${SCHEMA_VERSION}.`, {
      hint: 'Read it with the overload version that wrote it (report.tool.version), or run the scenario again.',
    });
  }
  const result = reportSchema.safeParse(json);
  if (result.success) return result.data;
  const problems: Problem[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new OverloadError('USAGE', `${source} is not a valid overload report (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}).`, {
    problems,
    hint: 'Pass a report.json written by `overload run`.',
  });
}

/**
 * The report's JSON Schema (draft 2020-12), for tools in other languages. Generated for the input
 * side, so it leaves `additionalProperties` open: readers must accept fields added later.
 */
export function reportJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(reportSchema, { io: 'input' });
  return {
    $schema,
    title: 'overload report',
    description: `report.json written by overload run (schema version ${SCHEMA_VERSION}); fields are documented in harness/report/schema.ts.`,
    ...schema,
  };
}
