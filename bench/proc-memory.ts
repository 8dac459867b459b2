/**
 * The peak resident memory of another process, from Linux's `/proc/<pid>/status` (proc(5)):
 * `VmHWM` is the kernel's own high-water mark of the resident set, `VmRSS` the resident set now.
 * The high-water mark catches a peak between two samples; the samples of `VmRSS` are kept as
 * well, in case a kernel does not report `VmHWM`. Elsewhere than Linux there is no reading.
 */
import { readFileSync } from 'node:fs';
import { everyInterval } from './proc-cpu.ts';

/** The two memory lines of a `/proc/<pid>/status`, in KiB; null where a line is absent. */
export interface StatusMemory {
  hwmKiB: number | null;
  rssKiB: number | null;
}

/**
 * Reads `VmHWM:   123456 kB` and `VmRSS: …` from the text of a `/proc/<pid>/status`. A zombie
 * (exited, not yet reaped) has neither line: both are then null.
 */
export function parseStatusMemory(status: string): StatusMemory {
  const kib = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  };
  return { hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') };
}

/** What the watch saw over the process's life. */
export interface PeakMemory {
  /** The largest VmHWM read, KiB (null when none was read). */
  hwmKiB: number | null;
  /** The largest VmRSS sampled, KiB (null when none was read). */
  rssKiB: number | null;
  /** Readings that held at least one of the two lines. */
  samples: number;
}

/** The larger of the two peaks, KiB, or null when nothing was read. */
export function peakKiB(peak: PeakMemory): number | null {
  if (peak.hwmKiB === null) return peak.rssKiB;
  return peak.rssKiB === null ? peak.hwmKiB : Math.max(peak.hwmKiB, peak.rssKiB);
}

/** Folds one reading into the peaks so far. Pure. */
export function foldMemory(peak: PeakMemory, reading: StatusMemory): PeakMemory {
  if (reading.hwmKiB === null && reading.rssKiB === null) return peak;
  const max = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
  return { hwmKiB: max(peak.hwmKiB, reading.hwmKiB), rssKiB: max(peak.rssKiB, reading.rssKiB), samples: peak.samples + 1 };
}

/** What a watch returns: the peaks, and the resident set every `seriesEveryMs`. */
export interface WatchedMemory {
  peak: PeakMemory;
  /** VmRSS (KiB) at the first reading and then at the first reading after each `seriesEveryMs`: whether it grows with the run. */
  series: number[];
  /** The last VmRSS read before the process went. */
  lastRssKiB: number | null;
}

/** A running watch of one process's memory. */
export interface MemoryWatch {
  /** Stops sampling and returns what was seen (idempotent). */
  stop(): WatchedMemory;
}

/**
 * Reads `/proc/<pid>/status` now and every `intervalMs` until stopped, keeping the peaks and a
 * coarse series of the resident set; a process gone reads nothing.
 */
export function watchMemory(pid: number, intervalMs: number, seriesEveryMs: number): MemoryWatch {
  const startedAt = Date.now();
  let peak: PeakMemory = { hwmKiB: null, rssKiB: null, samples: 0 };
  const series: number[] = [];
  let lastRssKiB: number | null = null;
  const take = (): void => {
    let reading: StatusMemory;
    try {
      reading = parseStatusMemory(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return; // Gone (or no /proc): what was read stands.
    }
    peak = foldMemory(peak, reading);
    if (reading.rssKiB === null) return;
    lastRssKiB = reading.rssKiB;
    if (Date.now() - startedAt >= series.length * seriesEveryMs) series.push(reading.rssKiB);
  };
  const sampling = everyInterval(take, intervalMs);
  return {
    stop() {
      sampling.stop();
      return { peak, series, lastRssKiB };
    },
  };
}
