/**
 * `memory`: the peak resident memory of the harness over a run of at least {@link MIN_REQUESTS}
 * requests, as a user runs it: `harness/cli/bin.js run overload --ramp …` as a child
 * (cli-child.ts), whose pid is the process that runs harness/cli/main.ts (bin.js registers tsx
 * in-process). Its `/proc/<pid>/status` is read every {@link SAMPLE_MS} ms until it exits, keeping
 * the largest `VmHWM` (the kernel's own high-water mark, which also catches a peak between two
 * readings) and `VmRSS` (proc-memory.ts). The fixtures are separate processes and not counted.
 * Target: < {@link TARGET_MIB} MiB. The count is the run's own: the sum of its steps' `completed`
 * in report.json; under {@link MIN_REQUESTS} the benchmark says ERROR, not PASS.
 *
 * Why this configuration: a million requests must fit in ~150 s on a 2-core machine, so the
 * upstream answers at once (`serviceMs=0`) with enough workers never to shed, and the gateway is
 * nginx (`--gateway nginx`, a fixture the harness starts itself) when it is installed. Our Node
 * gateway tops out near 3,000 req/s on this machine (`gateway-overhead`), ~330 s for a million;
 * behind nginx the Express upstream is the limit (~5–8k req/s). The ramp holds
 * {@link CONNECTIONS_FROM}–{@link CONNECTIONS_TO} connections (the harness's memory grows with
 * connections, so the count barely moves between machines) in {@link STEP_MS} ms steps, more
 * than a fast machine needs: `caps.maxRequests` ends the run after the step that reaches it, and
 * `caps.maxDurationS` bounds it on a slow machine (which then falls short and says ERROR).
 *
 * To read the peak against, an INFO row gives the footprint before any load: the peak of
 * `overload plan` with the same arguments (the same modules, nothing sent); the notes give the
 * run's RSS every {@link SERIES_MS} ms, which tells memory that grows with the requests (a leak)
 * from memory the harness holds from its start.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatCount, formatFixed, formatRate } from '../harness/format.ts';
import { DEFAULT_FORMATS } from '../harness/report/render/formats.ts';
import type { Report } from '../harness/report/schema.ts';
import { infoCheck, targetCheck, type Benchmark, type Check } from './benchmark.ts';
import { describeExit, runCli, runCliReport, type CliExit } from './cli-child.ts';
import { machineFacts } from './machine.ts';
import { peakKiB, watchMemory, type MemoryWatch, type WatchedMemory } from './proc-memory.ts';

const MIN_REQUESTS = 1_000_000;
/** A little over the minimum: the cap counts requests sent, the check counts responses. */
const CAP_REQUESTS = 1_010_000;
const MAX_DURATION_S = 200;
const CONNECTIONS_FROM = 64;
const CONNECTIONS_TO = 160;
const CONNECTIONS_STEP = 4;
const STEP_MS = 10_000;
const SAMPLE_MS = 100;
/** One point of the RSS series in the notes every this many ms. */
const SERIES_MS = 10_000;
const TARGET_MIB = 150;
const KIB_PER_MIB = 1024;

/** The `memory` benchmark (see the module comment). */
export const memory: Benchmark = {
  name: 'memory',
  summary: `peak RSS of the harness (the CLI's own process) over a run of ≥ ${formatCount(MIN_REQUESTS)} requests (target < ${TARGET_MIB} MiB)`,
  budgetMs: 300_000,
  async run(context) {
    const gateway = machineFacts().tools.nginx === null ? 'node' : 'nginx';
    const args = [
      'overload',
      '--ramp',
      '--gateway',
      gateway,
      ...settings({
        'upstream.serviceMs': 0,
        'upstream.workers': 1000,
        'ramp.from': CONNECTIONS_FROM,
        'ramp.to': CONNECTIONS_TO,
        'ramp.step': CONNECTIONS_STEP,
        'load.stepMs': STEP_MS,
        'caps.maxRequests': CAP_REQUESTS,
        'caps.maxDurationS': MAX_DURATION_S,
      }),
    ];
    const atRest = await planFootprint(args, context.signal);
    context.note(`overload run ${args.join(' ')}`);
    let watch: MemoryWatch | undefined;
    try {
      const { exit, report, reportError } = await runCliReport(['run', ...args], { signal: context.signal, onSpawn: (pid) => (watch = watchMemory(pid, SAMPLE_MS, SERIES_MS)) });
      const watched = watch?.stop() ?? null;
      if (report === null) return [{ metric: 'run', measured: `no report (${reportError ?? 'none'}); ${describeExit(exit)}`, target: 'a report.json', verdict: 'ERROR' }];
      const rendering = await renderingFootprint(report, context.signal);
      return [...checks(exit, watched, report, gateway, (line) => context.note(line)), atRestCheck(atRest), renderingCheck(rendering)];
    } finally {
      watch?.stop();
    }
  },
};

/**
 * The harness's footprint before any load, to read the peak against: `overload plan` with the
 * same arguments loads the same modules (main.ts imports every command) and sends nothing.
 */
async function planFootprint(args: readonly string[], signal: AbortSignal): Promise<number | null> {
  return cliPeakKiB(['plan', ...args], signal);
}

/** The peak RSS (KiB) of `overload <args>` run to its end, or null when it failed. */
async function cliPeakKiB(args: readonly string[], signal: AbortSignal): Promise<number | null> {
  let watch: MemoryWatch | undefined;
  try {
    const exit = await runCli(args, { signal, onSpawn: (pid) => (watch = watchMemory(pid, SAMPLE_MS, SERIES_MS)) });
    const watched = watch?.stop();
    return exit.code === 0 && watched !== undefined ? peakKiB(watched.peak) : null;
  } finally {
    watch?.stop();
  }
}

function atRestCheck(kib: number | null): Check {
  return infoCheck('peak RSS of `overload plan` (same modules, no load)', kib === null ? 'n/a' : `${formatFixed(kib / KIB_PER_MIB, 1)} MiB`, 'the footprint before any load');
}

/**
 * What drawing the chart adds: the run above writes report.json only (`--format json`, so the
 * peak is the load's), and a run with the default formats also renders the chart with vega
 * (~45 MB of modules, loaded when the first step's report is written). `overload report` renders
 * the same report in the default formats, with nothing else loaded: its peak is that part.
 */
async function renderingFootprint(report: Report, signal: AbortSignal): Promise<number | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'overload-bench-render-'));
  try {
    const file = path.join(dir, 'report.json');
    await writeFile(file, JSON.stringify(report));
    return await cliPeakKiB(['report', file, '--format', DEFAULT_FORMATS.join(','), '--out', path.join(dir, 'out')], signal);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function renderingCheck(kib: number | null): Check {
  return infoCheck(`peak RSS of \`overload report\` drawing the run's chart (${DEFAULT_FORMATS.join(', ')})`, kib === null ? 'n/a' : `${formatFixed(kib / KIB_PER_MIB, 1)} MiB`, 'what a run with the default formats adds (vega)');
}

/** `--set path=value` for each entry. */
function settings(values: Record<string, number>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
}

function checks(exit: CliExit, watched: WatchedMemory | null, report: Report, gateway: string, note: (line: string) => void): Check[] {
  const requests = report.steps.reduce((sum, step) => sum + step.completed, 0);
  const sent = report.steps.reduce((sum, step) => sum + step.sent, 0);
  const wallS = exit.wallMs / 1000;
  const rps = requests / wallS;
  const windowMs = report.steps.reduce((sum, step) => sum + step.durationMs, 0);
  const stepRps = windowMs > 0 ? (requests * 1000) / windowMs : 0;
  const peak = watched === null ? null : peakKiB(watched.peak);
  const mib = (kib: number | null): string => (kib === null ? 'n/a' : `${formatFixed(kib / KIB_PER_MIB, 1)} MiB`);
  note(
    `${formatCount(requests)} responses (${formatCount(sent)} sent) in ${report.steps.length} steps of ${report.steps[0]?.offered ?? '?'}–${report.steps.at(-1)?.offered ?? '?'} connections behind ${gateway}, ` +
      `${formatFixed(wallS, 1)} s: ${formatRate(rps)} req/s over the run, ${formatRate(stepRps)} inside the steps; ${describeExit(exit)}`,
  );
  if (watched !== null) {
    note(`RSS every ${SERIES_MS / 1000} s: ${watched.series.map((kib) => formatFixed(kib / KIB_PER_MIB, 0)).join(', ')} MiB; last ${mib(watched.lastRssKiB)}; ${watched.peak.samples} readings`);
  }
  const toMiB = (kib: number | null | undefined): number | null => (kib === null || kib === undefined ? null : round1(kib / KIB_PER_MIB));
  const raw = {
    peakRssMiB: toMiB(peak),
    vmHwmMiB: toMiB(watched?.peak.hwmKiB),
    maxVmRssMiB: toMiB(watched?.peak.rssKiB),
    rssSeriesMiB: watched?.series.map((kib) => toMiB(kib)) ?? [],
    requests,
    sent,
    steps: report.steps.length,
    wallS: round1(wallS),
    rps: Math.round(rps),
    gateway,
    exitCode: exit.code,
  };
  const metric = `peak RSS of the harness, ${formatCount(requests)} requests`;
  const target = `< ${TARGET_MIB} MiB`;
  const run = infoCheck('run', `${formatFixed(wallS, 1)} s, ${formatRate(rps)} req/s over the run (${formatRate(stepRps)} inside the steps), behind ${gateway}`);
  if (peak === null) return [{ metric, measured: 'n/a (no /proc/<pid>/status)', target, verdict: 'ERROR', raw }, run];
  // 0, or 3 if the scenario's expectation failed: either way the run ran to its end.
  const ranThrough = !report.interrupted && (exit.code === 0 || exit.code === 3);
  if (!ranThrough || requests < MIN_REQUESTS) {
    // Too few requests to judge: the peak is shown, not judged.
    return [
      { metric: 'requests in the run', measured: `${formatCount(requests)}${ranThrough ? '' : ` (${describeExit(exit)})`}`, target: `≥ ${formatCount(MIN_REQUESTS)}`, verdict: 'ERROR', raw },
      infoCheck(metric, mib(peak), `${target} over ≥ ${formatCount(MIN_REQUESTS)} requests`),
      run,
    ];
  }
  return [targetCheck(metric, mib(peak), target, peak / KIB_PER_MIB < TARGET_MIB, raw), run];
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
