/**
 * The CPU another process used inside a time window that only it knows: autocannon's CLI runs a
 * warm-up, then its measured run, in one process, and says when the measured run started and
 * finished (its JSON's `start` and `finish`) only once it has exited. So its CPU time
 * (`/proc/<pid>/stat`, proc-cpu.ts) is sampled every few tens of ms while it runs, and the CPU
 * inside the window is read off the samples afterwards, interpolating linearly between the two
 * samples around each end of the window.
 */
import { everyInterval, processCpuMs } from './proc-cpu.ts';

/** The process's CPU time so far (`cpuMs`) at a moment (`atMs`, ms since the epoch). */
export interface CpuSample {
  atMs: number;
  cpuMs: number;
}

/**
 * The CPU ms used between `fromMs` and `toMs`, from samples sorted by time, interpolated linearly
 * between the samples on each side of each end; null when the samples do not cover the window
 * (no sample at or before `fromMs`, or none at or after `toMs`), or the window is empty.
 */
export function cpuBetween(samples: readonly CpuSample[], fromMs: number, toMs: number): number | null {
  if (!(toMs > fromMs)) return null;
  const from = cpuAt(samples, fromMs);
  const to = cpuAt(samples, toMs);
  return from === null || to === null ? null : to - from;
}

/** The CPU time at `atMs`, interpolated between the samples around it; null outside the samples. */
export function cpuAt(samples: readonly CpuSample[], atMs: number): number | null {
  for (let index = 0; index < samples.length; index++) {
    const after = samples[index];
    if (after === undefined || after.atMs < atMs) continue;
    if (after.atMs === atMs) return after.cpuMs;
    const before = samples[index - 1];
    if (before === undefined) return null;
    const share = (atMs - before.atMs) / (after.atMs - before.atMs);
    return before.cpuMs + share * (after.cpuMs - before.cpuMs);
  }
  return null;
}

/** A running sampler of one process's CPU time. */
export interface CpuSampler {
  /** Stops sampling (taking one last sample if the process is still there) and returns the samples; again: the same samples. */
  stop(): CpuSample[];
}

/** Samples `pid`'s CPU time now and every `intervalMs` until stopped; unreadable samples are skipped. */
export function sampleCpu(pid: number, intervalMs: number): CpuSampler {
  const samples: CpuSample[] = [];
  const take = (): void => {
    const cpuMs = processCpuMs(pid);
    if (cpuMs !== null) samples.push({ atMs: Date.now(), cpuMs });
  };
  const sampling = everyInterval(take, intervalMs);
  return {
    stop() {
      sampling.stop();
      return samples;
    },
  };
}
