/**
 * A real gateway's counters, read from its log (issue 6: "causes from the error logs"): on each
 * `stats()` call the lines written since the last call are parsed (harness/logs/) and their causes
 * added up. nginx and HAProxy count nothing the harness can ask for, so `inFlight`, `dispatched`
 * and `queued` are 0: the drain between steps waits on the upstream's counters alone.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { GatewayStats } from '../../fixtures/common/protocol.ts';
import type { LogParser } from '../logs/log-line.ts';

export class LogTailStats {
  #offset = 0;
  #partial = '';
  readonly #causes: Record<string, number> = {};
  readonly #generated: Record<string, number> = {};

  constructor(
    readonly file: string,
    readonly parser: LogParser,
  ) {}

  /** Reads what the log gained since the last call; a log not yet created reads as empty. */
  stats(): Promise<GatewayStats> {
    this.#read();
    return Promise.resolve({
      inFlight: 0,
      dispatched: 0,
      queued: 0,
      peakQueued: 0,
      received: 0,
      responses: {},
      generated: { ...this.#generated },
      causes: { ...this.#causes },
      clientAborts: 0,
      retries: 0,
    });
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
      if (size <= this.#offset) return;
      const buffer = Buffer.alloc(size - this.#offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.#offset);
      this.#offset += read;
      const text = this.#partial + buffer.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      // The last piece has no line break yet: keep it for the next read.
      this.#partial = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = this.parser.parse(line);
        if (parsed.kind !== 'failure') continue;
        const { cause, status } = parsed.event;
        this.#causes[cause] = (this.#causes[cause] ?? 0) + 1;
        if (status !== null) this.#generated[String(status)] = (this.#generated[String(status)] ?? 0) + 1;
      }
    } finally {
      closeSync(fd);
    }
  }
}
