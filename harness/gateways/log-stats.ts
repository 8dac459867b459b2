/**
 * A real gateway's counters, read from its log (issue 6: "causes from the error logs"): on each
 * `stats()` call the lines written since the last call are parsed (harness/logs/) and their causes
 * added up. nginx and HAProxy count nothing the harness can ask for, so `inFlight`, `dispatched`
 * and `queued` are 0: the drain between steps waits on the upstream's counters alone.
 *
 * The same tail reads the user's own gateway log during a `--target` run (`--gateway-log`): from
 * the end the log had when the run began, through a rotation (the file shrank: read it from its
 * start), in a format given or detected from the first lines that arrive.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { quietGatewayStats, type GatewayStats } from '../../fixtures/common/protocol.ts';
import { detectFormat } from '../logs/detect.ts';
import type { LogFormat, LogParser } from '../logs/log-line.ts';
import { LOG_PARSERS } from '../logs/parsers.ts';

/** Lines kept while the format is not yet known; past them, detection gives up (see {@link LogTailStats.format}). */
const DETECT_WITHIN_LINES = 200;

export interface LogTailOptions {
  /** `start` (a log the harness made) or `end` (a user's log: only what the run adds counts). */
  from?: 'start' | 'end';
}

export class LogTailStats {
  #offset = 0;
  #partial = '';
  #parser: LogParser | null;
  /** Lines read before the format was known, parsed once it is. */
  #pending: string[] = [];
  #lines = 0;
  #unknown = 0;
  readonly #causes: Record<string, number> = {};
  readonly #generated: Record<string, number> = {};

  /** `parser`: the log's format, or `detect` to tell it from the first lines that arrive. */
  constructor(
    readonly file: string,
    parser: LogParser | 'detect',
    options: LogTailOptions = {},
  ) {
    this.#parser = parser === 'detect' ? null : parser;
    if (options.from === 'end') this.#offset = sizeOf(file);
  }

  /** The format read, or null while no line has told it (or none of the first {@link DETECT_WITHIN_LINES} lines did). */
  get format(): LogFormat | null {
    return this.#parser?.format ?? null;
  }

  /** Lines read so far, and how many of them the parser did not know (every one, while the format is unknown). */
  get counts(): { lines: number; unknown: number } {
    return { lines: this.#lines, unknown: this.#unknown + this.#pending.length };
  }

  /** Reads what the log gained since the last call; a log not yet created reads as empty. */
  stats(): Promise<GatewayStats> {
    this.#read();
    return Promise.resolve({ ...quietGatewayStats(), generated: { ...this.#generated }, causes: { ...this.#causes } });
  }

  #read(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      // Smaller than what was read: the log was rotated or truncated (logrotate's copytruncate); the new content starts at 0.
      if (size < this.#offset) {
        this.#offset = 0;
        this.#partial = '';
      }
      if (size === this.#offset) return;
      const buffer = Buffer.alloc(size - this.#offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.#offset);
      this.#offset += read;
      const text = this.#partial + buffer.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      // The last piece has no line break yet: keep it for the next read.
      this.#partial = lines.pop() ?? '';
      this.#lines += lines.length;
      this.#take(lines);
    } finally {
      closeSync(fd);
    }
  }

  /** Parses `lines`, or keeps them until enough lines tell the format. */
  #take(lines: readonly string[]): void {
    let parser = this.#parser;
    if (parser === null) {
      if (this.#pending.length >= DETECT_WITHIN_LINES) {
        this.#unknown += lines.length;
        return;
      }
      this.#pending.push(...lines);
      const format = detectFormat(this.#pending, Object.values(LOG_PARSERS));
      if (format === null) return;
      parser = this.#parser = LOG_PARSERS[format];
      lines = this.#pending;
      this.#pending = [];
    }
    for (const line of lines) {
      const parsed = parser.parse(line);
      if (parsed.kind === 'unknown' && line.trim() !== '') this.#unknown += 1;
      if (parsed.kind !== 'failure') continue;
      const { cause, status } = parsed.event;
      this.#causes[cause] = (this.#causes[cause] ?? 0) + 1;
      if (status !== null) this.#generated[String(status)] = (this.#generated[String(status)] ?? 0) + 1;
    }
  }
}

/** The size of `file`, or 0 when it does not exist yet. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
