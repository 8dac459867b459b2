/**
 * autocannon's own command line (`node_modules/.bin/autocannon --json`), run as a child process
 * the way a user runs it, as the peer the closed-loop driver is compared with. With `--warmup`
 * it prints two JSON lines, the warm-up's result and then the measured run's (which repeats the
 * warm-up's under `warmup`); only the last line is the measured run.
 *
 * Its request rate here is `requests.total / duration`: every response of the measured run over
 * the time from its first connection to its last 1 s tick (lib/run.js `tickInterval`), which is
 * not the mean of its per-second samples (`requests.average`) but the same figure the driver's
 * `window.completed / durationMs` is.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuBetween, sampleCpu } from './cpu-samples.ts';
import { reapedChildrenCpuMs } from './proc-cpu.ts';

const BIN = fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url));
/** How often the child's CPU time is sampled, ms. */
const CPU_SAMPLE_MS = 50;
/** The most of its stderr kept for an error message. */
const STDERR_TAIL = 2000;

/** What one run of autocannon's CLI measured (its measured run, not the warm-up). */
export interface AutocannonRun {
  /** Responses of any status (`requests.total`). */
  responses: number;
  /** From its first connection to its last tick (`duration`, s with two decimals), in ms. */
  durationMs: number;
  /** `responses / duration`, per second. */
  rps: number;
  non2xx: number;
  errors: number;
  /** When the measured run started and finished (`start`, `finish`), ms since the epoch. */
  startMs: number;
  finishMs: number;
}

/**
 * The measured run from the CLI's `--json` output: the last line that is a JSON object.
 * @throws Error naming what is missing when no line is a JSON object or a field is absent.
 */
export function parseAutocannonJson(stdout: string): AutocannonRun {
  const line = stdout
    .split('\n')
    .map((text) => text.trim())
    .filter((text) => text.startsWith('{'))
    .at(-1);
  if (line === undefined) throw new Error(`autocannon printed no JSON result (stdout: ${JSON.stringify(stdout.slice(0, 200))})`);
  const json = JSON.parse(line) as Record<string, unknown>;
  const number = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`autocannon's JSON result has no number at ${field} (got ${JSON.stringify(value)})`);
    return value;
  };
  const date = (value: unknown, field: string): number => {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) throw new Error(`autocannon's JSON result has no date at ${field} (got ${JSON.stringify(value)})`);
    return ms;
  };
  const requests = (json.requests ?? {}) as Record<string, unknown>;
  const responses = number(requests.total, 'requests.total');
  const durationMs = number(json.duration, 'duration') * 1000;
  return {
    responses,
    durationMs,
    rps: durationMs > 0 ? (responses * 1000) / durationMs : 0,
    non2xx: number(json.non2xx, 'non2xx'),
    errors: number(json.errors, 'errors'),
    startMs: date(json.start, 'start'),
    finishMs: date(json.finish, 'finish'),
  };
}

/** One CLI run's settings. */
export interface AutocannonCliOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Its `--warmup [ -c connections -d warmUpS ]`, not counted in the result. */
  warmUpS: number;
  signal: AbortSignal;
}

/** The run, and the CPU the child used inside its measured run (null without /proc). */
export interface AutocannonOutcome {
  run: AutocannonRun;
  cpuMs: number | null;
}

/**
 * Runs autocannon's CLI once (with the same node as this process) and parses its result.
 * Resolves to null when `signal` aborted it (the child is killed); rejects when it failed.
 */
export async function runAutocannonCli(options: AutocannonCliOptions): Promise<AutocannonOutcome | null> {
  if (options.signal.aborted) return null;
  const c = String(options.connections);
  const args = ['--json', '-c', c, '-d', String(options.durationS), '--warmup', '[', '-c', c, '-d', String(options.warmUpS), ']', options.url];
  const childrenCpuBefore = reapedChildrenCpuMs();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = child.pid === undefined ? null : sampleCpu(child.pid, CPU_SAMPLE_MS);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
  const kill = (): void => void child.kill('SIGKILL');
  options.signal.addEventListener('abort', kill, { once: true });
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    const samples = sampler?.stop() ?? [];
    if (options.signal.aborted) return null;
    if (code !== 0) throw new Error(`autocannon exited with ${code ?? signal ?? 'nothing'}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    const run = parseAutocannonJson(stdout);
    // Its CPU in all, read once it was reaped, closes the samples at its exit (cpu-samples.ts).
    const childrenCpuAfter = reapedChildrenCpuMs();
    if (childrenCpuBefore !== null && childrenCpuAfter !== null) samples.push({ atMs: Date.now(), cpuMs: childrenCpuAfter - childrenCpuBefore });
    return { run, cpuMs: cpuBetween(samples, run.startMs, run.finishMs) };
  } finally {
    sampler?.stop();
    options.signal.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) kill();
  }
}
