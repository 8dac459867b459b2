/** `overload plan <scenario>`: what a run would do and its bounds. Sends nothing. */
import type { Argv } from 'yargs';
import type { Scenario } from '../../config/scenario.ts';
import { runBounds } from '../../load/bounds.ts';
import { planRamp } from '../../load/plan.ts';
import { drainTimeoutMs } from '../../runner/measure-step.ts';
import { closedLoopTheory, openLoopTheory } from '../../stats/theory.ts';
import { formatCount, formatLoad, formatLoadValue, formatRate, formatSeconds, formatSetting, unitLabel } from '../../format.ts';
import { describePlanned } from '../../runner/run-timeline.ts';
import { ExitCode } from '../../exit-codes.ts';
import type { CliIO } from '../io.ts';
import { resolveScenario, singleGateway, withScenarioOptions } from '../options.ts';

/** Registers `overload plan`. */
export function planCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'plan <scenario>',
    'print the resolved scenario, the load plan and its bounds; sends nothing',
    (command) =>
      withScenarioOptions(command)
        .option('ramp', { type: 'boolean', default: false, describe: 'plan the stepped ramp instead of the onset search' })
        .option('json', { type: 'boolean', default: false, describe: 'print the resolved scenario as JSON' }),
    async (args) => {
      const scenario = await resolveScenario(args, args.scenario, singleGateway(args, 'overload plan'));
      io.stdout.write(args.json ? `${JSON.stringify(scenario, null, 2)}\n` : renderPlan(scenario, args.ramp ? 'ramp' : 'search'));
      finish(ExitCode.ok);
    },
  );
}

/** A timeline's plan: the steady load, the events in order, the faults the fixtures bring on themselves, and the bounds. */
function timelinePlan(scenario: Scenario, unit: 'connections' | 'rps'): string[] {
  const { timeline, upstream: up, gateway: gw } = scenario;
  const seconds = formatSeconds(timeline.durationMs);
  const upstreamAddress = '127.0.0.1';
  const events = [...timeline.events].sort((a, b) => a.atMs - b.atMs).map((event) => `${formatSeconds(event.atMs)} ${event.action}: ${describePlanned(event, upstreamAddress)}`);
  const lines = [`plan      timeline: a steady ${formatLoad(timeline.offered, unit)} for ${seconds}, measured in ${timeline.bucketMs} ms buckets`];
  lines.push(...(events.length === 0 ? ['          no scheduled event'] : events.map((text) => `          ${text}`)));
  if (up.crashAboveInFlight > 0) lines.push(`          the upstream crashes above ${up.crashAboveInFlight} requests in flight and restarts ${formatCount(up.restartDelayMs)} ms later`);
  if (gw.upstreamName !== '') lines.push(`          the gateway resolves ${gw.upstreamName}, keeping each answer ${formatCount(gw.dnsTtlMs)} ms`);
  const requests = scenario.model === 'open' ? `, ${formatCount(Math.ceil((timeline.offered * timeline.durationMs) / 1000))} requests` : '';
  lines.push(`bounds    ${seconds} of load${requests}, then the requests in flight are answered or time out (${formatCount(scenario.load.clientTimeoutMs)} ms at most)`);
  return lines;
}

/**
 * The worst case of a search or a ramp (load/bounds.ts): its duration and its requests, each with
 * what bounds it, and the most connections or req/s any step offers.
 */
function boundsLines(scenario: Scenario, mode: 'search' | 'ramp'): string[] {
  const bounds = runBounds(scenario, mode, drainTimeoutMs(scenario));
  const { caps, load } = scenario;
  const unit = scenario.model === 'closed' ? 'connections' : 'rps';
  const seconds = (ms: number): string => `${formatCount(Math.round(ms / 100) / 10)} s`;
  const parts = [
    `a ${seconds(load.stepMs)} window`,
    ...(scenario.model === 'open' ? ['a warm-up of up to 1.5 windows'] : []),
    `the ${seconds(load.clientTimeoutMs)} client timeout`,
    `a drain of up to ${seconds(drainTimeoutMs(scenario))}`,
  ];
  const duration =
    bounds.durationBoundBy === 'plan'
      ? `${formatCount(bounds.durationS)} s in all (within caps.maxDurationS, ${formatCount(caps.maxDurationS)} s)`
      : `${formatCount(bounds.durationS)} s in all: caps.maxDurationS, a deadline that stops the step in progress`;
  const requests =
    bounds.requestsBoundBy === 'plan'
      ? `${formatCount(bounds.requests)} requests (the plan's arrivals)`
      : `${formatCount(bounds.requests)} requests (caps.maxRequests, counted after each step)`;
  return [
    `bounds    at most ${formatCount(bounds.steps)} steps of at most ${seconds(bounds.stepWorstMs)} each (${parts.join(', ')}): ${duration}`,
    `          at most ${requests}; at most ${formatLoad(bounds.highestLoad, unit)} in a step`,
  ];
}

/** The plan in words: fixtures, steps, bounds and what theory expects (pure, for tests). */
export function renderPlan(scenario: Scenario, mode: 'search' | 'ramp'): string {
  const { upstream: up, gateway: gw, load, search, caps } = scenario;
  const stepS = load.stepMs / 1000;
  const unit = scenario.model === 'closed' ? 'connections' : 'rps';
  const max = scenario.model === 'closed' ? caps.maxConnections : caps.maxRps;
  const theory =
    scenario.model === 'closed'
      ? closedLoopTheory({ ...up, ...gw, serviceMsMeasured: up.serviceMs, maxConnections: caps.maxConnections, failureRatio: scenario.criterion.failureRatio })
      : openLoopTheory({ ...up, ...gw, serviceMsMeasured: up.serviceMs, arrivals: load.arrivals, burst: load.burst, serviceDistribution: up.serviceDistribution, failureRatio: scenario.criterion.failureRatio });
  const lines = [
    `scenario ${scenario.name}${scenario.description === '' ? '' : `: ${scenario.description}`}`,
    `upstream  C = ${up.workers} workers, S = ${up.serviceMs} ms ${up.serviceDistribution}, Q = ${up.queue}, shed = ${up.shed}`,
    `gateway   ${gw.kind} (${gw.profile} profile), pool ${gw.poolConnections}, queue ${gw.queueLimit}, timeouts connect ${gw.connectTimeoutMs} ms / upstream ${gw.upstreamTimeoutMs} ms`,
    scenario.model === 'closed'
      ? 'load      closed loop: each connection sends its next request when the last is answered'
      : `load      open loop: ${load.arrivals} arrivals at a planned rate, each sent on time whatever the answers do`,
    `criterion a ${scenario.timeline.durationMs > 0 ? 'bucket' : 'step'} fails when ≥ ${formatSetting(scenario.criterion.failureRatio)} of requests end in ${scenario.criterion.statuses.join('/')} from the gateway, or in errors`,
  ];
  if (scenario.timeline.durationMs > 0) {
    lines.push(...timelinePlan(scenario, unit));
  } else if (mode === 'ramp') {
    const loads = planRamp(scenario.ramp, scenario.model, caps);
    lines.push(
      `plan      stepped ramp, ${loads.length} steps of ${stepS} s: ${loads.map((value) => formatLoadValue(value, unit)).join(', ')} ${unitLabel(unit)}`,
      `          stops after ${scenario.ramp.stopAfterFailures} failing steps in a row`,
      ...boundsLines(scenario, 'ramp'),
    );
  } else {
    const doubling = [search.start, search.start * 2, search.start * 4].map((value) => formatLoadValue(value, unit)).join(', ');
    const bisection = scenario.model === 'closed' ? 'down to adjacent connection counts' : `to ${formatSetting(search.precision)}`;
    const warmup = scenario.model === 'open' ? ', each after a warm-up of 0.3 to 1.5 steps near capacity' : '';
    lines.push(
      `plan      onset search: ${doubling}, … ${unitLabel(unit)} (doubling, at most ${formatLoad(max, unit)}) until a step fails,`,
      `          then bisection ${bisection}; at most ${search.maxSteps} steps of ${stepS} s${warmup}`,
      ...boundsLines(scenario, 'search'),
    );
  }
  if (scenario.timeline.durationMs > 0) {
    const capacity = theory.capacityRps === null ? '' : `; theory's capacity C / S = ${formatRate(theory.capacityRps)} req/s`;
    lines.push(`theory    a timeline looks for no onset${capacity}`);
    lines.push('traffic   only to the fixtures this run starts on 127.0.0.1');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`theory    ${theory.onset === null ? 'no 502 onset predicted' : `onset at ${formatLoad(theory.onset, unit)}`} (${theory.basis})`);
  lines.push('traffic   only to the fixtures this run starts on 127.0.0.1');
  return `${lines.join('\n')}\n`;
}
