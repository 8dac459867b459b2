/**
 * HAProxy's HTTP log (`option httplog`, doc/configuration.txt §8.2.3) → cause codes (issue 6).
 * One traffic line, with or without a syslog prefix (HAProxy's `format raw`, `local`, `rfc3164`,
 * `rfc5424`, `short`, `priority`, `iso`, `timed`; rsyslog's files):
 *
 *   127.0.0.1:50994 [26/Nov/2026:02:25:27.555] fe_http be_upstream/srv1 0/0/1/-1/2 502 209 - - SH-- 2/2/1/1/0 0/0 "GET / HTTP/1.1"
 *   client:port [request date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes cookies
 *   termination_state actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue
 *   [{captured request headers}] [{captured response headers}] "request"
 *
 * The cause comes from the termination state's first two characters ({@link HAPROXY_STATES},
 * doc §8.5). Lines of HAProxy's own notices ("Server be/srv is DOWN", "backend be has no server
 * available!") are `other`; a custom `log-format`, `option httplog clf` and the TCP log are not
 * read (`unknown`). Real lines of HAProxy 2.6 for each state: test/fixtures/logs/haproxy-2.6-http.log.
 */
import type { CauseCode } from '../../fixtures/gateway/causes.ts';
import type { LogParser, ParsedLine } from './log-line.ts';

/** What the first two characters of a termination state say. */
export type StateMeaning =
  /** An upstream failure, whatever status the line logged (`SD--` logs the 200 it had sent). */
  | { kind: 'failure'; cause: CauseCode; reads: string }
  /** An upstream failure only with this status; any other status is no upstream failure. */
  | { kind: 'failure-if-status'; status: number; cause: CauseCode; reads: string }
  /** No upstream failure: a normal end, the client's doing, or the proxy's own decision. */
  | { kind: 'other'; reads: string };

/**
 * The states of §8.5's list of common combinations, plus `SQ` (below), by their first two
 * characters. A state missing here whose first character is the client's (`C`, `c`), local
 * (`L`), an admin's kill (`K`) or normal (`-`) is no upstream failure; any other is unknown.
 */
export const HAPROXY_STATES: Readonly<Record<string, StateMeaning>> = {
  // Normal termination. A 5xx here is the server's own answer, passed through (the upstream's
  // shed '503' gives `---- 503`): not a gateway failure (DESIGN.md §2).
  '--': { kind: 'other', reads: 'normal termination' },
  CC: { kind: 'other', reads: 'the client aborted before the connection to the server was established' },
  // Also what a client reset while waiting for the headers gives without `option abortonclose`:
  // HAProxy notices it only when it writes the server's 200 (`CD-- 200` in the fixture).
  CD: { kind: 'other', reads: 'the client aborted during the data transfer' },
  cD: { kind: 'other', reads: '"timeout client" struck during the data transfer' },
  // 2.6 logs the status as 400 or -1 here (fixture): a client abort, not a client error.
  CH: { kind: 'other', reads: 'the client aborted while waiting for the server to start responding' },
  cH: { kind: 'other', reads: '"timeout client" struck while waiting for client data' },
  CQ: { kind: 'other', reads: 'the client aborted while its request was queued' },
  CR: { kind: 'other', reads: 'the client aborted before sending a full request' },
  cR: { kind: 'other', reads: '"timeout http-request" struck before the client sent a full request' },
  CT: { kind: 'other', reads: 'the client aborted while tarpitted' },
  LR: { kind: 'other', reads: 'the request was handled by HAProxy itself (redirect, stats)' },
  // 503, not 502: http_return_srv_error() answers 503 to every connection error (STRM_ET_CONN_ERR),
  // after `retries` attempts (3 by default: the fixture's line logs retries 3 and Ta ≈ 3 s). The
  // same state with server `<NOSRV>` means no server was available at all (every one down or
  // disabled: "no server available" in doc §1.4): the upstream is down either way.
  SC: { kind: 'failure', cause: 'upstream_refused', reads: 'the server refused the TCP connection: a RST or an ICMP error' },
  // 503, not 504: a connect timeout is a connection error too (STRM_ET_CONN_TO → 503).
  sC: { kind: 'failure', cause: 'upstream_timeout', reads: '"timeout connect" struck before the connection to the server completed' },
  // After the response headers went out with their status (logged as 200): the body is cut short.
  // The fixture's RST and FIN during the body both give `SD-- 200`; so does a malformed chunk.
  SD: { kind: 'failure', cause: 'upstream_truncated', reads: 'the connection to the server died during the data transfer' },
  sD: { kind: 'failure', cause: 'upstream_truncated', reads: '"timeout server" struck during the data transfer' },
  // HAProxy cannot tell a FIN from a RST here: the upstream's shed 'reset' and shed 'close' give
  // the same `SH-- 502` line, so this is `upstream_closed`, never `upstream_reset` (nginx's error
  // log does tell them apart). A close on a reused idle connection is not logged at all: HAProxy
  // closes the client's connection silently so that it retries (research/gateway-502.md §2), so
  // `keepalive_race` never shows in this log.
  SH: { kind: 'failure', cause: 'upstream_closed', reads: 'server aborted before sending its full response headers' },
  sH: { kind: 'failure', cause: 'upstream_timeout', reads: '"timeout server" struck before the server sent its response headers' },
  // Not in §8.5's list: the server's queue was full (`maxqueue`) in direct mode (a cookie or a
  // use-server rule chose the server) and no redispatch was allowed: srv_redispatch_connect()
  // (backend.c, SRV_STATUS_FULL → STRM_ET_QUEUE_ERR), which default_srv_error() (stream.c) logs
  // as S + Q; 503.
  SQ: { kind: 'failure', cause: 'gateway_overflow', reads: "the server's queue was at its maxqueue, and the request could not go elsewhere" },
  sQ: { kind: 'failure', cause: 'gateway_overflow', reads: 'the request waited in the queue longer than "timeout queue"' },
  // The gateway's own capacity ran out before any upstream was asked, as with nginx's
  // "no live upstreams" (DESIGN.md §2).
  PC: { kind: 'failure', cause: 'gateway_overflow', reads: "the proxy's socket limit was reached while connecting to the server" },
  RC: { kind: 'failure', cause: 'gateway_overflow', reads: 'a local resource ran out while connecting to the server: memory, sockets or source ports' },
  // Invalid chunked encoding after the server's headers; in 2.6 the fixture's malformed chunk
  // gave SD instead (the H1 multiplexer treats it as a connection error).
  PD: { kind: 'failure', cause: 'upstream_truncated', reads: 'the proxy blocked an incorrectly chunked message after the headers' },
  // 502 for an invalid response (bad status line, bad header name: fixture). The same state with
  // 400 is the client's chunked request, with 500 a failed header rewrite: neither is the upstream's.
  PH: { kind: 'failure-if-status', status: 502, cause: 'upstream_invalid', reads: "the proxy blocked the server's invalid response" },
  PR: { kind: 'other', reads: "the proxy blocked the client's request (invalid or denied)" },
  PT: { kind: 'other', reads: "the proxy tarpitted the client's request" },
};

/** First characters of states that are no upstream failure, where {@link HAPROXY_STATES} has no entry. */
const OTHER_FIRST = new Set(['C', 'c', 'L', 'K', '-']);

/**
 * What a termination state means (its first two characters; a 2-character TCP-mode state works
 * too): a failure with its cause and doc wording, `other`, or null when it is not known.
 */
export function meaningOf(state: string): StateMeaning | null {
  const known = HAPROXY_STATES[state.slice(0, 2)];
  if (known !== undefined) return known;
  return OTHER_FIRST.has(state.charAt(0)) ? { kind: 'other', reads: 'no upstream failure' } : null;
}

// The fields up to the server: enough to tell the format (looksLike), and what a line cut short
// still has. The optional prefix is lazy and ends in a blank or a `>`, since `short` and
// `priority` put the `<PRI>` right before the client (`<6>127.0.0.1:36098 [...`).
const HEAD = [
  String.raw`^(?:.*?[\s>])??`, // syslog prefix, if any
  String.raw`[^\s<>]+:\d+ `, // client ip:port (IPv6 unbracketed: `::1:55942`; `unix:1`)
  String.raw`\[(?<day>\d{2})\/(?<month>[A-Z][a-z]{2})\/(?<year>\d{4}):(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})\.(?<ms>\d{3})\] `,
  String.raw`\S+ (?<backend>[^\s/]+)\/(?<server>\S+) `, // frontend backend/server (`<NOSRV>`)
].join('');
const HEAD_RE = new RegExp(HEAD);
// The rest of §8.2.3's fields. Ta, bytes and retries may carry a '+' (`option logasap`,
// redispatch); captures are there only when configured; the request may be `"<BADREQ>"`.
const LINE_RE = new RegExp(
  HEAD +
    [
      String.raw`-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ `, // TR/Tw/Tc/Tr/Ta
      String.raw`(?<status>-?\d+) \+?\d+ \S+ \S+ (?<state>[-A-Za-z]{4}) `, // status bytes cookies state
      String.raw`\d+\/\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+`, // connection counts, queues
      String.raw`(?: \{.*?\}){0,2} ".*"\s*$`, // captured headers, request
    ].join(''),
);
// The syslog tag of a line HAProxy sent: `haproxy[27411]: ` (rfc3164, local) or `haproxy 27035 - - ` (rfc5424).
const TAG_RE = /\shaproxy(?:\[\d+\]:|\s\d+\s\S+\s\S+)\s/;
// HAProxy's own notices, as `format raw` writes them (no tag to recognise them by).
const NOTICE_RE = /^(?:Server \S+\/\S+ is |backend \S+ has no server available!|Proxy \S+ (?:started|stopped)|Stopping (?:frontend|backend|proxy) )/;
/** The named groups of LINE_RE. */
type Field = 'day' | 'month' | 'year' | 'hour' | 'minute' | 'second' | 'ms' | 'backend' | 'server' | 'status' | 'state';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The request date `[26/Nov/2026:02:30:00.123]` (`%tr`: when the request's first byte arrived)
 * as ms since the epoch, read as a UTC wall clock: HAProxy writes its local time with no zone.
 */
function requestTime(date: Record<'day' | 'month' | 'year' | 'hour' | 'minute' | 'second' | 'ms', string>): number | null {
  const month = MONTHS.indexOf(date.month);
  if (month < 0) return null;
  return Date.UTC(Number(date.year), month, Number(date.day), Number(date.hour), Number(date.minute), Number(date.second), Number(date.ms));
}

/** The cause a known state means with this status, or `other`. */
function causeOf(meaning: StateMeaning, status: number): CauseCode | 'other' {
  switch (meaning.kind) {
    case 'failure':
      return meaning.cause;
    case 'failure-if-status':
      return status === meaning.status ? meaning.cause : 'other';
    case 'other':
      return 'other';
  }
}

/** Parses one line of HAProxy's HTTP log. */
function parse(line: string): ParsedLine {
  const match = LINE_RE.exec(line);
  if (match === null) {
    // A traffic line cut short or with a field this parser does not read: say so.
    if (HEAD_RE.test(line)) return { kind: 'unknown' };
    return TAG_RE.test(line) || NOTICE_RE.test(line) ? { kind: 'other' } : { kind: 'unknown' };
  }
  // Every named group of LINE_RE takes part in any match (only the unnamed prefix is optional).
  const fields = match.groups as Record<Field, string>;
  const { backend, server, state } = fields;
  const statusText = fields.status;
  const meaning = meaningOf(state);
  if (meaning === null) return { kind: 'unknown' };
  const status = Number(statusText);
  const cause = causeOf(meaning, status);
  if (cause === 'other') return { kind: 'other' };
  const noServer = server === '<NOSRV>' && state.startsWith('SC');
  const reads = noServer ? 'no server available: every server down or disabled' : meaning.reads;
  return {
    kind: 'failure',
    event: {
      time: requestTime(fields),
      cause,
      // -1: HAProxy had no status to log (the session ended before one was set).
      status: status < 0 ? null : status,
      upstream: `${backend}/${server}`,
      message: `${state} ${statusText} (${reads})`,
    },
  };
}

/** The parser of HAProxy's HTTP log (`--log-format haproxy`). */
export const haproxyLog: LogParser = {
  format: 'haproxy',
  parse,
  looksLike: (line) => HEAD_RE.test(line) || TAG_RE.test(line) || NOTICE_RE.test(line),
};
