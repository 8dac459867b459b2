/**
 * Committed baselines (`reports/baselines/`): where `overload run --baseline` looks for the report
 * to compare against, and the check that it fits the run about to start, made before any load is
 * sent so that a wrong baseline costs nothing (exit 2).
 */
import { join } from 'node:path';
import { OverloadError } from '../errors.ts';
import type { GatewayKind, Model } from '../config/scenario.ts';
import type { Report } from './schema.ts';
import { fileSafeName } from './write.ts';

/** The folder of committed baselines, relative to the project's root (DESIGN.md §6). */
export const BASELINE_DIR = 'reports/baselines';

/**
 * The baseline of a scenario under a load model: `reports/baselines/<scenario>.<model>.json`. One
 * file per model because a closed run's onset (connections) and an open run's (req/s) never
 * compare; one per real gateway (`overload.closed.nginx.json`) because nginx's capacity is not the
 * Node fixture's.
 */
export function defaultBaselinePath(scenarioName: string, model: Model, options: { target?: boolean; gateway?: GatewayKind; dir?: string } = {}): string {
  // An external target's capacity is its own, never the fixtures': it gets a file of its own.
  const suffix = options.target === true ? '.target' : options.gateway === undefined || options.gateway === 'node' ? '' : `.${options.gateway}`;
  return join(options.dir ?? BASELINE_DIR, `${fileSafeName(scenarioName)}.${model}${suffix}.json`);
}

/**
 * Refuses a baseline that the coming run could not be compared with: another scenario or another
 * load model, another gateway (the schema version was checked when it was read).
 * @throws OverloadError `REPORTS_INCOMPATIBLE` (exit 2) naming both values and the fix.
 */
export function assertBaselineFits(baseline: Report, source: string, run: { scenario: string; model: Model; target: boolean; gateway?: GatewayKind }): void {
  const problems = [];
  if ((baseline.target !== undefined) !== run.target) {
    const system = (target: boolean): string => (target ? 'an external target (--target)' : 'the fixtures');
    problems.push({ path: 'target', message: `the baseline loaded ${system(baseline.target !== undefined)}, the run loads ${system(run.target)}` });
  }
  if (baseline.scenario.name !== run.scenario) {
    problems.push({ path: 'scenario.name', message: `the baseline is of scenario ${baseline.scenario.name}, the run of ${run.scenario}`, value: baseline.scenario.name });
  }
  if (baseline.model !== run.model) {
    problems.push({ path: 'model', message: `the baseline ran the ${baseline.model} model, the run uses the ${run.model} model`, value: baseline.model });
  }
  // A target's report names no gateway of ours (`external`); the fixtures' names the one in front.
  if (!run.target && run.gateway !== undefined && baseline.target === undefined && baseline.gateway.kind !== run.gateway) {
    problems.push({ path: 'gateway.kind', message: `the baseline ran behind the ${baseline.gateway.kind} gateway, the run behind ${run.gateway}`, value: baseline.gateway.kind });
  }
  if (problems.length === 0) return;
  throw new OverloadError('REPORTS_INCOMPATIBLE', `The baseline ${source} cannot be compared with this run.`, {
    problems,
    hint: `Pass --baseline a report of scenario ${run.scenario} with --model ${run.model}${run.gateway === undefined ? '' : ` behind ${run.gateway}`}, or make one with --update-baseline.`,
  });
}
