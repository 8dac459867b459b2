/**
 * The worst case of a run, computed from its plan before it starts (issue 7, "bounded by
 * construction"; `overload plan` prints it): how many steps at most, how long each can take
 * (its warm-up, its window, the tail that waits for the client's timeout, the drain that waits
 * for the gateway's timers), so how long the run can take, and how many requests it can send.
 * The caps bound both whatever the plan says: the duration is a deadline the harness enforces
 * mid-step (runner/budget.ts); the requests are counted after each step, so one step may pass
 * the cap before the run stops. Pure.
 */
import type { Scenario } from '../config/scenario.ts';
import { planRamp } from './plan.ts';

/** A run's worst case. */
export interface RunBounds {
  /** Most steps the plan can take. */
  steps: number;
  /** The longest one step can take, ms: warm-up + window + the client's timeout + the drain's. */
  stepWorstMs: number;
  /** The longest the run can take, s, and what bounds it: the plan (`steps × stepWorstMs`) or `caps.maxDurationS`. */
  durationS: number;
  durationBoundBy: 'plan' | 'caps.maxDurationS';
  /** Most requests: the open model's arrivals over every step's warm-up and window, else `caps.maxRequests`. */
  requests: number;
  requestsBoundBy: 'plan' | 'caps.maxRequests';
  /** The most any step offers: the ramp's top, or the cap a search may double up to. */
  highestLoad: number;
}

/** The longest a warm-up can be: the open model warms each step for up to 1.5 windows (load/warmup.ts). */
const WARMUP_STEPS = 1.5;

/** The worst case of `scenario` run as `plan` (one trial; `--repeat N` multiplies it, up to the caps). */
export function runBounds(scenario: Scenario, plan: 'search' | 'ramp', drainMs: number): RunBounds {
  const { load, caps } = scenario;
  const open = scenario.model === 'open';
  const loads = plan === 'ramp' ? planRamp(scenario.ramp, scenario.model, caps) : null;
  const steps = loads?.length ?? scenario.search.maxSteps;
  const warmupMs = open ? WARMUP_STEPS * load.stepMs : 0;
  const stepWorstMs = warmupMs + load.stepMs + load.clientTimeoutMs + drainMs;
  const planS = Math.ceil((steps * stepWorstMs) / 1000);
  const durationS = Math.min(planS, caps.maxDurationS);
  const highestLoad = loads === null ? (open ? caps.maxRps : caps.maxConnections) : Math.max(...loads, 0);
  // Open: each step sends at most its rate over its warm-up and window. Closed: a connection's
  // rate is the answers' pace, which no plan knows; only the cap bounds it.
  const planRequests = open ? Math.ceil((steps * highestLoad * (warmupMs + load.stepMs)) / 1000) : Number.POSITIVE_INFINITY;
  const requests = Math.min(planRequests, caps.maxRequests);
  return {
    steps,
    stepWorstMs,
    durationS,
    durationBoundBy: planS <= caps.maxDurationS ? 'plan' : 'caps.maxDurationS',
    requests,
    requestsBoundBy: planRequests <= caps.maxRequests ? 'plan' : 'caps.maxRequests',
    highestLoad,
  };
}
