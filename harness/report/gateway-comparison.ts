/**
 * `overload run <scenario> --gateway node,nginx,haproxy`: one scenario behind each gateway in
 * turn, and this comparison of their reports (issue 6): where each began to fail, against theory
 * and against the first gateway named (the reference); with what statuses and causes; what each
 * served at most; and, in sentences, where they differ and why when the reason is a known
 * difference of the gateways rather than of the load. Pure: reports in, a document out;
 * `render/gateways-*.ts` turn it into text, Markdown, HTML and JSON.
 */
import type { GatewayKind } from '../config/scenario.ts';
import { formatCount, formatLoad, formatPercent } from '../format.ts';
import { dominantCause, statusList } from './explain.ts';
import type { Report, StepResult } from './schema.ts';

/** The shape of `gateways.json`; grows only by adding fields, as the report does. */
export const GATEWAY_COMPARISON_VERSION = 1;

/** One gateway's run as the command saw it: its report, or why there is none. */
export interface GatewayRun {
  gateway: GatewayKind;
  /** The folder its own reports went to. */
  dir: string;
  /** Null when the run could not start or failed before its first step (`error` says why). */
  report: Report | null;
  error: string | null;
  /** Wall time of the run, seconds. */
  seconds: number;
}

/** One gateway's line of the comparison. */
export interface GatewayRow {
  gateway: GatewayKind;
  dir: string;
  error: string | null;
  interrupted: boolean;
  /** The onset (the run's median with --repeat) in the comparison's unit, or null: none found, or no report. */
  onset: number | null;
  /** The theory's onset for this gateway's run, or null where it makes none. */
  theory: number | null;
  /** (onset − theory) / theory; null without both. */
  offTheory: number | null;
  /** (onset − reference onset) / reference onset; 0 for the reference itself; null without both. */
  offReference: number | null;
  /** The most 2xx per second any step served, and at which offered load. */
  maxGoodputRps: number | null;
  /** Failure answers the client received, by status (5xx), over the run's first trial. */
  failureStatuses: Record<string, number>;
  /** Requests that got no answer, over the first trial: client-side errors by code, and `lost` (closed with no answer). */
  clientErrors: Record<string, number>;
  /** Failures by cause, as the gateway counted them (the Node fixture) or logged them (nginx, HAProxy). */
  causes: Record<string, number>;
  dominantCause: { cause: string; share: number } | null;
  expectations: { held: number; total: number; failed: string[] };
  seconds: number;
}

/** `gateways.json`: the scenario behind each gateway, side by side. */
export interface GatewayComparison {
  kind: 'overload-gateway-comparison';
  version: typeof GATEWAY_COMPARISON_VERSION;
  scenario: string;
  model: 'closed' | 'open';
  unit: 'connections' | 'rps';
  /** The first gateway named: the others' onsets are given relative to it. */
  reference: GatewayKind;
  rows: GatewayRow[];
  /** Where the gateways agree and differ, in sentences. */
  findings: string[];
}

/**
 * Compares the runs of one scenario behind several gateways. The first run is the reference.
 * @throws Error on no runs, or runs of different scenarios or models (the command never makes them).
 */
export function compareGateways(runs: readonly GatewayRun[]): GatewayComparison {
  const first = runs[0];
  if (first === undefined) throw new Error('compareGateways needs at least one run');
  const reports = runs.flatMap((run) => (run.report === null ? [] : [run.report]));
  const sample = reports[0];
  for (const report of reports) {
    if (report.scenario.name !== sample?.scenario.name || report.model !== sample.model) {
      throw new Error(`compareGateways got runs of ${report.scenario.name} (${report.model}) and ${sample?.scenario.name ?? '?'} (${sample?.model ?? '?'})`);
    }
  }
  const referenceOnset = first.report?.onset?.value ?? null;
  const rows = runs.map((run) => rowOf(run, referenceOnset));
  const unit = sample?.unit ?? 'connections';
  return {
    kind: 'overload-gateway-comparison',
    version: GATEWAY_COMPARISON_VERSION,
    scenario: sample?.scenario.name ?? '',
    model: sample?.model ?? 'closed',
    unit,
    reference: first.gateway,
    rows,
    findings: findings(rows, unit),
  };
}

function rowOf(run: GatewayRun, referenceOnset: number | null): GatewayRow {
  const { report } = run;
  const steps = report?.steps ?? [];
  const onset = report?.onset?.value ?? null;
  const theory = report?.theory?.onset ?? null;
  const causes = report?.causes ?? {};
  const top = dominantCause(causes);
  const failed = (report?.expectations ?? []).filter((expectation) => !expectation.passed).map((expectation) => `${expectation.description} (measured ${expectation.actual})`);
  return {
    gateway: run.gateway,
    dir: run.dir,
    error: run.error,
    interrupted: report?.interrupted ?? false,
    onset,
    theory,
    offTheory: relative(onset, theory),
    offReference: relative(onset, referenceOnset),
    maxGoodputRps: report?.capacity?.maxGoodputRps ?? null,
    failureStatuses: sumOver(steps, (step) => step.status, (status) => Number(status) >= 500),
    clientErrors: sumOver(steps, (step) => ({ ...step.errors, ...(step.lost > 0 ? { lost: step.lost } : {}) }), () => true),
    causes,
    dominantCause: top === null ? null : { cause: top.cause, share: top.share },
    expectations: { held: (report?.expectations.length ?? 0) - failed.length, total: report?.expectations.length ?? 0, failed },
    seconds: run.seconds,
  };
}

/** (value − reference) / reference, or null when either is missing or the reference is 0. */
function relative(value: number | null, reference: number | null): number | null {
  return value === null || reference === null || reference === 0 ? null : (value - reference) / reference;
}

/** The counts of one per-step tally added over the steps, keeping the keys `keep` accepts. */
function sumOver(steps: readonly StepResult[], tally: (step: StepResult) => Record<string, number>, keep: (key: string) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const step of steps) {
    for (const [key, count] of Object.entries(tally(step))) if (keep(key) && count > 0) out[key] = (out[key] ?? 0) + count;
  }
  return out;
}

/** The sum of a tally's counts. */
function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** `UND_ERR_SOCKET ×687, lost ×3`, largest first. */
function describeCounts(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([key, count]) => `${key} ×${formatCount(count)}`)
    .join(', ');
}

/** The number of a row's requests that got no answer at all. */
export function unansweredOf(row: GatewayRow): number {
  return total(row.clientErrors);
}

/** The statuses of a row's failure answers, in numeric order. */
export function statusesOf(row: GatewayRow): number[] {
  return Object.keys(row.failureStatuses)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The sentences: onsets against the reference, statuses, causes, and the known reasons they differ. */
function findings(rows: readonly GatewayRow[], unit: 'connections' | 'rps'): string[] {
  const out: string[] = [];
  const ran = rows.filter((row) => row.error === null);
  for (const row of rows) if (row.error !== null) out.push(`${row.gateway} did not run: ${row.error}`);

  const withOnset = ran.filter((row) => row.onset !== null);
  const reference = rows[0];
  if (reference !== undefined && withOnset.length >= 2 && reference.onset !== null) {
    const refOnset = reference.onset;
    const same = withOnset.filter((row) => row.onset === refOnset).map((row) => row.gateway);
    if (same.length === withOnset.length) {
      out.push(`Every gateway began to fail at the same load: ${formatLoad(refOnset, unit)}.`);
    } else {
      for (const row of withOnset) {
        if (row === reference || row.onset === null || row.offReference === null) continue;
        const direction = row.onset > refOnset ? 'later' : 'earlier';
        const change = row.onset === refOnset ? 'at the same load as' : `${formatPercent(Math.abs(row.offReference))} ${direction} than`;
        out.push(`${row.gateway} began to fail at ${formatLoad(row.onset, unit)}, ${change} ${reference.gateway} (${formatLoad(refOnset, unit)}).`);
      }
    }
  }
  for (const row of ran) {
    if (row.onset === null && !row.interrupted) out.push(`${row.gateway} did not reach the failure criterion within the plan.`);
  }

  const statusSets = ran.map((row) => ({ gateway: row.gateway, statuses: statusesOf(row), row }));
  const distinct = new Set(statusSets.map((set) => set.statuses.join(',')));
  if (distinct.size > 1) {
    const parts = statusSets.map(({ gateway, statuses, row }) => {
      if (statuses.length === 0) return `${gateway} none`;
      const total = statuses.reduce((sum, status) => sum + (row.failureStatuses[String(status)] ?? 0), 0);
      const shares = statuses.length === 1 ? '' : ` (${statuses.map((status) => `${status}: ${formatPercent((row.failureStatuses[String(status)] ?? 0) / total)}`).join(', ')})`;
      return `${gateway} ${statusList(statuses, '')}${shares}`;
    });
    out.push(`The gateways answered the same fault with different statuses: ${parts.join('; ')}.`);
  }

  const tops = ran.filter((row) => row.dominantCause !== null);
  if (tops.length >= 2) {
    const causes = new Set(tops.map((row) => row.dominantCause?.cause));
    const list = tops.map((row) => `${row.gateway} ${row.dominantCause?.cause ?? ''} (${formatPercent(row.dominantCause?.share ?? 0)})`).join(', ');
    out.push(causes.size === 1 ? `The same cause dominated behind every gateway: ${list}.` : `The dominant cause differs: ${list}.`);
  }
  out.push(...knownDifferences(ran));

  for (const row of ran) {
    if (row.expectations.failed.length > 0) {
      out.push(`Behind ${row.gateway}, ${formatCount(row.expectations.failed.length)} of ${formatCount(row.expectations.total)} expectations failed: ${row.expectations.failed.join('; ')}.`);
    }
  }
  return out;
}

/**
 * What a reader would otherwise take for a finding about the load: the gateways' known ways of
 * logging and answering the same fault differently (the sources are cited in the README, "Behind
 * nginx and HAProxy").
 */
function knownDifferences(rows: readonly GatewayRow[]): string[] {
  const out: string[] = [];
  const haproxy = rows.find((row) => row.gateway === 'haproxy');
  const resetElsewhere = rows.some((row) => row.gateway !== 'haproxy' && (row.causes.upstream_reset ?? 0) > 0);
  if (haproxy !== undefined && resetElsewhere && (haproxy.causes.upstream_closed ?? 0) > 0 && (haproxy.causes.upstream_reset ?? 0) === 0) {
    out.push(
      'HAProxy logs a reset and a clean close of the upstream connection alike (termination state SH: "the server aborted before sending its full headers"), so its upstream_closed is the others’ upstream_reset.',
    );
  }
  if (haproxy !== undefined) {
    const unanswered = total(haproxy.clientErrors);
    const failed = unanswered + total(haproxy.failureStatuses);
    if (unanswered > 0 && unanswered >= 0.1 * failed) {
      out.push(
        `HAProxy closed ${formatCount(unanswered)} of its ${formatCount(failed)} failed requests without an answer or a log line (the client saw ${describeCounts(haproxy.clientErrors)}): a failure on a reused client connection is aborted, not answered with a 502 (http_ana.c, abort_keep_alive), so its log under-counts its failures.`,
      );
    }
  }
  if (haproxy !== undefined && (haproxy.failureStatuses['503'] ?? 0) > 0) {
    out.push('HAProxy answers 503, not 502, when it cannot connect to the upstream (termination state SC) or finds no server up; nginx and the Node fixture answer 502.');
  }
  return out;
}
