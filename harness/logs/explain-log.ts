/**
 * `overload explain <log>` without any load (issue 6): a gateway's log, read one line at a time,
 * added up per time window and per cause, and told in plain words. Pure: the CLI feeds it lines
 * (harness/cli/commands/explain.ts) and prints {@link explainLog}'s result.
 */
import { isCauseCode } from '../../fixtures/gateway/causes.ts';
import { formatCount, formatPercent } from '../format.ts';
import { largestFirst, totalCount } from '../stats/counts.ts';
import { CAUSE_ADVICE } from './cause-advice.ts';
import type { LogFormat, LogParser } from './log-line.ts';

/** How many unknown lines the result keeps as examples. */
export const UNKNOWN_SAMPLES = 5;

/** One time window with failures in it. */
export interface LogWindow {
  /** Start of the window, ms since the epoch (UTC wall clock of the log). */
  start: number;
  /** Failures by cause. */
  causes: Record<string, number>;
  /** Failures by status, where the log says (HAProxy); empty for nginx's error log. */
  statuses: Record<string, number>;
}

/** What a whole log came to. */
export interface LogExplanation {
  format: LogFormat;
  windowMs: number;
  lines: number;
  failures: number;
  /** Lines of the format that are no upstream failure (notices, successful requests, client aborts). */
  other: number;
  unknown: number;
  /** Up to {@link UNKNOWN_SAMPLES} unknown lines, as written. */
  unknownSamples: string[];
  /** Failures with no readable time (counted in the totals, in no window). */
  untimed: number;
  /** Failures by cause over the whole log, largest first. */
  causes: Record<string, number>;
  /** Windows that had failures, in time order. */
  windows: LogWindow[];
  /** First and last failure times. */
  first: number | null;
  last: number | null;
  /** One example message per cause, as the gateway wrote it. */
  examples: Record<string, string>;
}

/** Adds up parsed lines; `add` each line in order, then `result()`. */
export class LogTally {
  readonly #windows = new Map<number, LogWindow>();
  readonly #causes: Record<string, number> = {};
  readonly #examples: Record<string, string> = {};
  readonly #unknownSamples: string[] = [];
  #lines = 0;
  #failures = 0;
  #other = 0;
  #unknown = 0;
  #untimed = 0;
  #first: number | null = null;
  #last: number | null = null;

  constructor(
    readonly parser: LogParser,
    readonly windowMs: number,
  ) {
    if (!(Number.isInteger(windowMs) && windowMs > 0)) throw new RangeError(`LogTally: windowMs must be a whole number of ms above 0 (got ${windowMs}); pass --window, e.g. 1m`);
  }

  /** Reads one line (without its line break); blank lines are not counted. */
  add(line: string): void {
    if (line.trim() === '') return;
    this.#lines++;
    const parsed = this.parser.parse(line);
    switch (parsed.kind) {
      case 'other':
        this.#other++;
        return;
      case 'unknown':
        this.#unknown++;
        if (this.#unknownSamples.length < UNKNOWN_SAMPLES) this.#unknownSamples.push(line);
        return;
      case 'failure': {
        const { event } = parsed;
        this.#failures++;
        this.#causes[event.cause] = (this.#causes[event.cause] ?? 0) + 1;
        this.#examples[event.cause] ??= event.message;
        if (event.time === null) {
          this.#untimed++;
          return;
        }
        this.#first = this.#first === null ? event.time : Math.min(this.#first, event.time);
        this.#last = this.#last === null ? event.time : Math.max(this.#last, event.time);
        const start = Math.floor(event.time / this.windowMs) * this.windowMs;
        let window = this.#windows.get(start);
        if (window === undefined) {
          window = { start, causes: {}, statuses: {} };
          this.#windows.set(start, window);
        }
        window.causes[event.cause] = (window.causes[event.cause] ?? 0) + 1;
        if (event.status !== null) window.statuses[String(event.status)] = (window.statuses[String(event.status)] ?? 0) + 1;
        return;
      }
    }
  }

  result(): LogExplanation {
    return {
      format: this.parser.format,
      windowMs: this.windowMs,
      lines: this.#lines,
      failures: this.#failures,
      other: this.#other,
      unknown: this.#unknown,
      unknownSamples: [...this.#unknownSamples],
      untimed: this.#untimed,
      causes: Object.fromEntries(largestFirst(this.#causes)),
      windows: [...this.#windows.values()].sort((a, b) => a.start - b.start).map((w) => ({ start: w.start, causes: { ...w.causes }, statuses: { ...w.statuses } })),
      first: this.#first,
      last: this.#last,
      examples: { ...this.#examples },
    };
  }
}

/** The log's time as it wrote it: `2026-11-26 02:30:00` (UTC wall clock, so no zone). */
export function formatLogTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

/**
 * The explanation in words: the totals, then per cause its share, the likely reason and the first
 * thing to check, then the windows with failures (the busiest first when there are many), then
 * what the parser did not know. Ends with a newline.
 */
export function renderLogExplanation(result: LogExplanation, options: { maxWindows?: number } = {}): string {
  const lines: string[] = [];
  const what = `${result.format} log: ${formatCount(result.lines)} lines, ${formatCount(result.failures)} failed upstream ${result.failures === 1 ? 'attempt' : 'attempts'}, ${formatCount(result.other)} other, ${formatCount(result.unknown)} not understood`;
  lines.push(what);
  // nginx logs an attempt, not a response: a retried GET logs its failure and may still end in 200,
  // and one 502 after several tries logs several lines (nginx proxy_next_upstream).
  if (result.format === 'nginx' && result.failures > 0) lines.push('(nginx logs each failed attempt: a retried request may still have succeeded, and one 502 may follow several lines)');
  if (result.first !== null && result.last !== null) lines.push(`failures from ${formatLogTime(result.first)} to ${formatLogTime(result.last)} (the log's own clock)`);
  if (result.failures === 0) {
    lines.push('', 'No failed upstream attempt in this log: the gateway generated no 502, 503 or 504.');
  } else {
    lines.push('', 'By cause, with the likely reason and the first thing to check:');
    for (const [cause, n] of largestFirst(result.causes)) {
      const advice = isCauseCode(cause) ? CAUSE_ADVICE[cause] : null;
      lines.push(`- ${cause}: ${formatCount(n)} (${formatPercent(n / result.failures)}), e.g. "${result.examples[cause] ?? ''}"`);
      if (advice !== null) lines.push(`  most likely ${advice.reason}.`, `  check: ${advice.check}.`);
    }
    const windows = result.windows;
    const max = options.maxWindows ?? 20;
    const shown = windows.length <= max ? windows : [...windows].sort((a, b) => totalCount(b.causes) - totalCount(a.causes) || a.start - b.start).slice(0, max).sort((a, b) => a.start - b.start);
    const size = result.windowMs % 60_000 === 0 ? `${result.windowMs / 60_000} min` : `${result.windowMs / 1000} s`;
    lines.push('', `Per ${size} window${windows.length > max ? ` (the ${max} busiest of ${formatCount(windows.length)})` : ''}:`);
    for (const window of shown) {
      const causes = largestFirst(window.causes).map(([cause, n]) => `${cause} ${formatCount(n)}`).join(', ');
      const statuses = Object.keys(window.statuses).length === 0 ? '' : ` [${largestFirst(window.statuses).map(([status, n]) => `${status} ×${formatCount(n)}`).join(', ')}]`;
      lines.push(`  ${formatLogTime(window.start)}  ${formatCount(totalCount(window.causes))}: ${causes}${statuses}`);
    }
    if (result.untimed > 0) lines.push(`  (${formatCount(result.untimed)} failures had no readable time)`);
  }
  if (result.unknown > 0) {
    lines.push('', `${formatCount(result.unknown)} lines were not understood; the first ${Math.min(result.unknown, UNKNOWN_SAMPLES)}:`);
    for (const sample of result.unknownSamples) lines.push(`  ${sample.length > 200 ? `${sample.slice(0, 200)}…` : sample}`);
  }
  return `${lines.join('\n')}\n`;
}
