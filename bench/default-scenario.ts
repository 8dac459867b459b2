/**
 * `default-scenario`: the wall time of `npm start` without the CLI around it: `runScenario` on
 * `loadScenario('overload')` (the onset search, fixtures as child processes), then again with
 * `{ quick: true }` (1 s steps). Targets: under 60 s, and under 20 s with --quick (issue 2).
 * It also shows the onset found (theory: C + Q + 1 = 21) and the service time the upstream
 * measured (S = 10 ms ± 1 %), since a faster run that finds the wrong onset is no faster run.
 * Nothing is written to disk: no `save` is given.
 */
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../harness/config/load-scenario.ts';
import { formatCount, formatFixed, formatMs } from '../harness/format.ts';
import { renderStepLine } from '../harness/report/render/text.ts';
import { runScenario } from '../harness/runner/run-scenario.ts';
import { formatDeviation, infoCheck, targetCheck, withinRatio, type Benchmark, type BenchContext, type Check } from './benchmark.ts';

/** Each variant with its wall-time target. */
const VARIANTS = [
  { label: 'default', quick: false, targetS: 60 },
  { label: '--quick', quick: true, targetS: 20 },
] as const;
/** C + Q + 1 for C = 4, Q = 16 (DESIGN.md §4). */
const EXPECTED_ONSET = 21;
/** The service-time promise of DESIGN.md §2. */
const SERVICE_TOLERANCE = 0.01;

/** The `default-scenario` benchmark (see the module comment). */
export const defaultScenario: Benchmark = {
  name: 'default-scenario',
  summary: `wall time of the default scenario end to end (target < ${VARIANTS[0].targetS} s; --quick < ${VARIANTS[1].targetS} s), its onset and measured S`,
  budgetMs: 150_000,
  async run(context) {
    const checks: Check[] = [];
    for (const variant of VARIANTS) {
      if (context.signal.aborted) break;
      checks.push(...(await runVariant(variant, context)));
    }
    return checks;
  },
};

async function runVariant(variant: (typeof VARIANTS)[number], context: BenchContext): Promise<Check[]> {
  const scenario = await loadScenario('overload', { quick: variant.quick });
  const startedAt = performance.now();
  const report = await runScenario({
    scenario,
    plan: 'search',
    repeat: 1,
    signal: context.signal,
    onEvent: (event) => {
      if (event.type === 'step-end') context.note(`${variant.label} ${renderStepLine(event.step, 'connections')}  (${formatMs(event.step.durationMs + event.step.drainMs)})`);
    },
  });
  const wallS = (performance.now() - startedAt) / 1000;
  const stepMs = report.steps.reduce((sum, step) => sum + step.durationMs + step.drainMs, 0);
  context.note(
    `${variant.label}: ${formatCount(report.steps.length)} steps of ${formatMs(scenario.load.stepMs)} in ${wallS.toFixed(1)} s ` +
      `(load + drain ${(stepMs / 1000).toFixed(1)} s, the rest fixtures and stats)${report.interrupted ? ', interrupted' : ''}`,
  );
  const serviceMs = report.theory?.serviceMsMeasured ?? null;
  const expectedS = scenario.upstream.serviceMs;
  return [
    targetCheck(`wall time, ${variant.label}`, `${wallS.toFixed(1)} s`, `< ${variant.targetS} s`, !report.interrupted && wallS < variant.targetS),
    targetCheck(`onset, ${variant.label}`, report.onset === null ? `none (${report.onsetNote ?? 'no note'})` : `${report.onset.value} connections`, `${EXPECTED_ONSET}`, report.onset?.value === EXPECTED_ONSET),
    serviceMs === null
      ? infoCheck(`measured S, ${variant.label}`, 'n/a', `${expectedS} ms ± 1 %`)
      : targetCheck(
          `measured S, ${variant.label}`,
          `${formatFixed(serviceMs, 3)} ms (${formatDeviation(serviceMs, expectedS)})`,
          `${expectedS} ms ± 1 %`,
          withinRatio(serviceMs, expectedS, SERVICE_TOLERANCE),
        ),
  ];
}
