/**
 * The warnings of `overload compare` (DESIGN.md §6): what a reader should know that changes no
 * verdict — the runs were measured on different machines, one was interrupted, they ran different
 * plans, or the scenario's parameters differ. Pure: two reports in, sentences out.
 */
import { trialsOf } from './compare-metrics.ts';
import type { Report } from './schema.ts';

/** Parameters that do not change what is measured: names, prose and the scenario's own checks. */
const UNMEASURED = new Set(['name', 'description', 'expect']);
/** How many differing parameters a warning lists by name. */
const LISTED = 5;

/** What a reader should know that changes no verdict: another machine, an interrupted run, other settings. */
export function warnings(baseline: Report, current: Report): string[] {
  const out: string[] = [];
  const machine = (r: Report): string => `${r.environment.cpuModel}, ${r.environment.cpus} ${r.environment.cpus === 1 ? 'CPU' : 'CPUs'}`;
  if (baseline.environment.cpuModel !== current.environment.cpuModel || baseline.environment.cpus !== current.environment.cpus) {
    out.push(`The runs were measured on different machines (baseline: ${machine(baseline)}; current: ${machine(current)}): a difference may come from the machine, not the change.`);
  }
  for (const [run, report] of [['baseline', baseline], ['current', current]] as const) {
    if (!report.interrupted) continue;
    const n = trialsOf(report).reduce((sum, trial) => sum + trial.steps.length, 0);
    const held = n === 0 ? 'no step' : `only the ${n} ${n === 1 ? 'step' : 'steps'} measured before it stopped`;
    out.push(`The ${run} run was interrupted: it holds ${held}.`);
  }
  if (baseline.plan !== current.plan) {
    out.push(`The baseline ran a${baseline.plan === 'search' ? 'n onset search' : ' ramp'} and the current run a${current.plan === 'search' ? 'n onset search' : ' ramp'}: their onsets are bracketed differently.`);
  }
  // Two external targets compare (a target's capacity is its own), but not silently when they are
  // different services: the port alone may change (a service started on port 0), nothing else.
  if (baseline.target !== undefined && current.target !== undefined && withoutPort(baseline.target.url) !== withoutPort(current.target.url)) {
    out.push(`The runs loaded different targets (baseline: ${baseline.target.url}; current: ${current.target.url}): make sure they are the same service.`);
  }
  const changed = differences(baseline.scenario.parameters, current.scenario.parameters, '');
  if (changed.length > 0) {
    const more = changed.length > LISTED ? `, and ${changed.length - LISTED} more` : '';
    out.push(`The scenario’s parameters differ: ${changed.slice(0, LISTED).join('; ')}${more}.`);
  }
  return out;
}

/** A target URL with its port left out, for "is this the same service". */
function withoutPort(url: string): string {
  const parsed = new URL(url);
  parsed.port = '';
  return parsed.href;
}

/** Leaf-by-leaf differences of two resolved scenarios, as `upstream.workers 4 → 3`. */
function differences(b: unknown, c: unknown, path: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(b) && isObject(c)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(c)])].filter((key) => path !== '' || !UNMEASURED.has(key));
    return keys.flatMap((key) => differences(b[key], c[key], path === '' ? key : `${path}.${key}`));
  }
  const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));
  return show(b) === show(c) ? [] : [`${path} ${show(b)} → ${show(c)}`];
}
