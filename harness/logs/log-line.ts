/**
 * What a gateway's log line says about an upstream failure, whatever gateway wrote it (issue 6:
 * `overload explain`, `--gateway-log`). Each log format has a pure parser (nginx-error-log.ts,
 * haproxy-log.ts) from one line to a {@link ParsedLine}; the aggregation (explain-log.ts) and the
 * CLI read only these types.
 */
import type { CauseCode } from '../../fixtures/gateway/causes.ts';

/** The log formats `overload explain` reads (`--log-format`). */
export const LOG_FORMATS = ['nginx', 'haproxy'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One upstream failure, as one log line tells it. */
export interface GatewayLogEvent {
  /**
   * When, in ms since the epoch, read from the line's own timestamp as a UTC wall clock (nginx's
   * error log and HAProxy's date carry no zone: the times are shown as the log wrote them); null
   * when the line has no readable time.
   */
  time: number | null;
  cause: CauseCode;
  /** The status the gateway answered, where the line says (HAProxy's log does; nginx's error log does not). */
  status: number | null;
  /** The upstream the gateway talked to, where the line names it (`http://127.0.0.1:8080/`, `be/srv1`). */
  upstream: string | null;
  /** The failure in the gateway's own words (nginx's message, HAProxy's termination state and status). */
  message: string;
}

/**
 * One line, parsed: an upstream failure; a line of the format that is no upstream failure (a
 * notice, a request that succeeded, a client that went away); or a line the parser does not know.
 */
export type ParsedLine = { kind: 'failure'; event: GatewayLogEvent } | { kind: 'other' } | { kind: 'unknown' };

/** A log format's parser: pure, one line at a time. */
export interface LogParser {
  readonly format: LogFormat;
  /** Parses one line (without its line break). */
  parse(line: string): ParsedLine;
  /** Whether the line has this format's shape at all (for detecting the format of a log). */
  looksLike(line: string): boolean;
}
