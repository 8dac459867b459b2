/**
 * `time-to-onset`: how long a user waits for a right answer. `overload run overload --quick` (the
 * closed model) and `overload run overload --quick --model open`, each as a user runs it (the CLI
 * as a child process, cli-child.ts: node's start, tsx, the fixtures, the search and the report
 * all count), timed from the spawn to the exit. A fast wrong answer is no answer, so each target
 * also requires the onset that `report.json` gives to match its own `theory.onset`:
 * - closed: exactly, C + Q + 1 = {@link CLOSED_ONSET} connections, within {@link CLOSED_TARGET_S} s;
 * - open: within {@link OPEN_TOLERANCE} of the predicted req/s (μ / (1 − criterion), 404 for the
 *   default scenario), within {@link OPEN_TARGET_S} s.
 * One run of each: a run is itself a whole onset search of many steps, and its wall time is held
 * against a target with seconds of room, not compared with another figure to a few percent.
 *
 * The peer figure (Artillery's linear arrival-rate ramp over the same range) is issue 8's
 * measurement, shown as an INFO row and not re-run here: Artillery is not a dependency.
 */
import { formatCount, formatFixed, formatLoad } from '../harness/format.ts';
import type { Report } from '../harness/report/schema.ts';
import { formatDeviation, infoCheck, targetCheck, withinRatio, type Benchmark, type BenchContext, type Check } from './benchmark.ts';
import { describeExit, runCliReport } from './cli-child.ts';

/** C + Q + 1 for C = 4, Q = 16 (DESIGN.md §4). */
const CLOSED_ONSET = 21;
const CLOSED_TARGET_S = 20;
const OPEN_TARGET_S = 30;
/** How near the open model's onset must come to the prediction. */
const OPEN_TOLERANCE = 0.03;

/** One variant: its CLI arguments, its time target and its accuracy condition. */
interface Variant {
  label: string;
  args: string[];
  targetS: number;
  /** The accuracy condition in words, for the target column. */
  accuracy: string;
  accurate(onset: number, theory: number): boolean;
}

const VARIANTS: readonly Variant[] = [
  {
    label: 'closed --quick',
    args: ['run', 'overload', '--quick'],
    targetS: CLOSED_TARGET_S,
    accuracy: `onset = theory (${CLOSED_ONSET})`,
    accurate: (onset, theory) => onset === theory && theory === CLOSED_ONSET,
  },
  {
    label: 'open --quick',
    args: ['run', 'overload', '--quick', '--model', 'open'],
    targetS: OPEN_TARGET_S,
    accuracy: `onset within ${formatFixed(OPEN_TOLERANCE * 100, 0)} % of theory`,
    accurate: (onset, theory) => withinRatio(onset, theory, OPEN_TOLERANCE),
  },
];

/** The `time-to-onset` benchmark (see the module comment). */
export const timeToOnset: Benchmark = {
  name: 'time-to-onset',
  summary: `wall time of \`overload run overload --quick\` to the exact onset (closed, < ${CLOSED_TARGET_S} s) and to within ${formatFixed(OPEN_TOLERANCE * 100, 0)} % of it (open, < ${OPEN_TARGET_S} s), one run each`,
  budgetMs: 150_000,
  async run(context) {
    const checks: Check[] = [];
    for (const variant of VARIANTS) {
      if (context.signal.aborted) break;
      checks.push(await runVariant(variant, context));
    }
    checks.push(infoCheck("Artillery's linear arrival-rate ramp over the same range", '46 s, bracketed the onset between 250 and 460 req/s', "issue 8's measurement, not re-run here"));
    return checks;
  },
};

async function runVariant(variant: Variant, context: BenchContext): Promise<Check> {
  const metric = `time to onset, ${variant.label}`;
  const target = `< ${variant.targetS} s and ${variant.accuracy}`;
  context.note(`overload ${variant.args.join(' ')}`);
  const { exit, report, reportError } = await runCliReport(variant.args, { signal: context.signal });
  const wallS = exit.wallMs / 1000;
  if (report === null) return { metric, measured: `no report after ${formatFixed(wallS, 1)} s (${reportError ?? 'none'}); ${describeExit(exit)}`, target, verdict: 'ERROR' };
  const onset = report.onset?.value ?? null;
  const theory = report.theory?.onset ?? null;
  const raw = { wallS: Math.round(wallS * 10) / 10, onset, theory, steps: report.steps.length, exitCode: exit.code, interrupted: report.interrupted };
  context.note(`${variant.label}: ${formatCount(report.steps.length)} steps, ${formatFixed(wallS, 1)} s, ${describeOnset(report)}; ${describeExit(exit)}`);
  // No onset, or no theory to hold it against, is a wrong answer: a MISS, not an ERROR.
  const ok = !report.interrupted && wallS < variant.targetS && onset !== null && theory !== null && variant.accurate(onset, theory);
  return targetCheck(metric, `${formatFixed(wallS, 1)} s, ${describeOnset(report)}, ${formatCount(report.steps.length)} steps`, target, ok, raw);
}

/** "onset 21 connections (theory 21)", "onset 406.25 req/s (theory 404, +0.56 %)", or why there is none. */
function describeOnset(report: Report): string {
  const unit = report.model === 'closed' ? 'connections' : 'rps';
  const theory = report.theory?.onset ?? null;
  const theoryText = theory === null ? 'no theory' : `theory ${formatFixed(theory, unit === 'rps' ? 1 : 0)}`;
  if (report.onset === null) return `no onset (${(report.onsetNote ?? 'no note').replace(/\.$/, '')}; ${theoryText})`;
  const deviation = theory === null || unit === 'connections' ? '' : `, ${formatDeviation(report.onset.value, theory)}`;
  return `onset ${formatLoad(report.onset.value, unit)} (${theoryText}${deviation})`;
}
