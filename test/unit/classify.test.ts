import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import type { GatewayProfile } from '../../harness/config/scenario.ts';
import type { CauseCode } from '../../fixtures/gateway/causes.ts';
import { classifyFailure } from '../../fixtures/gateway/classify.ts';
import { GATEWAY_OVERFLOW_CODE, type FailureVerdict, type UpstreamFailure } from '../../fixtures/gateway/failure.ts';

const PROFILES: GatewayProfile[] = ['nginx', 'haproxy', 'envoy', 'alb'];

/** A fresh connection, request sent, waiting for the response header; Node's 5 s keep-alive. */
const BASE: UpstreamFailure = { code: 'ECONNRESET', phase: 'reading_header', reused: false, idleMs: null, keepAliveHintMs: 5000, roundTripMs: 0.1 };

/** What each profile does: a status, or `close` (HAProxy's silent close of the client connection). */
type Outcomes = Record<GatewayProfile, number | 'close'>;

interface Row {
  name: string;
  failure: Partial<UpstreamFailure>;
  outcomes: Outcomes;
  cause: CauseCode;
  logMessage: string;
}

const all = (status: number): Outcomes => ({ nginx: status, haproxy: status, envoy: status, alb: status });

// One row per line of DESIGN.md §2's table and research §4/§7.5's matrix.
const ROWS: Row[] = [
  {
    name: 'a refused connection',
    failure: { code: 'ECONNREFUSED', phase: 'connecting' },
    outcomes: { nginx: 502, haproxy: 503, envoy: 503, alb: 502 },
    cause: 'upstream_refused',
    logMessage: 'connect() failed (111: Connection refused) while connecting to upstream',
  },
  {
    name: 'an unreachable host',
    failure: { code: 'EHOSTUNREACH', phase: 'connecting' },
    outcomes: { nginx: 502, haproxy: 503, envoy: 503, alb: 502 },
    cause: 'upstream_refused',
    logMessage: 'connect() failed (113: No route to host) while connecting to upstream',
  },
  {
    name: "undici's connect timeout",
    failure: { code: 'UND_ERR_CONNECT_TIMEOUT', phase: 'connecting' },
    outcomes: { nginx: 504, haproxy: 503, envoy: 503, alb: 504 },
    cause: 'upstream_timeout',
    logMessage: 'upstream timed out (110: Connection timed out) while connecting to upstream',
  },
  {
    name: "the kernel's connect timeout",
    failure: { code: 'ETIMEDOUT', phase: 'connecting' },
    outcomes: { nginx: 504, haproxy: 503, envoy: 503, alb: 504 },
    cause: 'upstream_timeout',
    logMessage: 'upstream timed out (110: Connection timed out) while connecting to upstream',
  },
  {
    name: 'a host name that does not resolve',
    failure: { code: 'ENOTFOUND', phase: 'connecting', detail: 'upstream.invalid' },
    outcomes: { nginx: 502, haproxy: 503, envoy: 503, alb: 503 },
    cause: 'upstream_unresolved',
    logMessage: 'upstream.invalid could not be resolved (3: Host not found)',
  },
  {
    name: 'a resolver that fails',
    failure: { code: 'EAI_AGAIN', phase: 'connecting', detail: 'upstream.test' },
    outcomes: { nginx: 502, haproxy: 503, envoy: 503, alb: 503 },
    cause: 'upstream_unresolved',
    logMessage: 'upstream.test could not be resolved (2: Server failure)',
  },
  {
    name: 'a reset while reading the response header',
    failure: { code: 'ECONNRESET' },
    outcomes: { nginx: 502, haproxy: 502, envoy: 503, alb: 502 },
    cause: 'upstream_reset',
    logMessage: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  },
  {
    name: 'a reset while sending the request',
    failure: { code: 'ECONNRESET', phase: 'sending_request' },
    outcomes: { nginx: 502, haproxy: 502, envoy: 503, alb: 502 },
    cause: 'upstream_reset',
    logMessage: 'writev() failed (104: Connection reset by peer) while sending request to upstream',
  },
  {
    name: 'a broken pipe while sending the request',
    failure: { code: 'EPIPE', phase: 'sending_request' },
    outcomes: { nginx: 502, haproxy: 502, envoy: 503, alb: 502 },
    cause: 'upstream_reset',
    logMessage: 'writev() failed (32: Broken pipe) while sending request to upstream',
  },
  {
    name: 'a close before the response header',
    failure: { code: 'UND_ERR_SOCKET', message: 'other side closed' },
    outcomes: { nginx: 502, haproxy: 502, envoy: 503, alb: 502 },
    cause: 'upstream_closed',
    logMessage: 'upstream prematurely closed connection while reading response header from upstream',
  },
  {
    name: 'a garbage status line',
    failure: { code: 'HTTPParserError', message: 'Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)', detail: 'ELLO\r\n\r\n' },
    outcomes: all(502),
    cause: 'upstream_invalid',
    logMessage: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  },
  {
    name: 'an invalid status code',
    failure: { code: 'HTTPParserError', message: 'Response does not match the HTTP/1.1 protocol (Invalid status code)' },
    outcomes: all(502),
    cause: 'upstream_invalid',
    logMessage: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  },
  {
    name: "node:http's code for a bad first line",
    failure: { code: 'HPE_INVALID_CONSTANT' },
    outcomes: all(502),
    cause: 'upstream_invalid',
    logMessage: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  },
  {
    name: 'an invalid header line',
    failure: { code: 'HTTPParserError', message: 'Response does not match the HTTP/1.1 protocol (Invalid header token)', detail: '\u0001: v\r\nContent-Length: 0\r\n\r\n' },
    outcomes: all(502),
    cause: 'upstream_invalid',
    logMessage: 'upstream sent invalid header: "\\x01: v" while reading response header from upstream',
  },
  {
    name: 'a response nobody asked for',
    failure: { code: 'UND_ERR_SOCKET', message: 'bad response' },
    outcomes: all(502),
    cause: 'upstream_invalid',
    logMessage: 'upstream sent invalid header while reading response header from upstream',
  },
  {
    name: 'an oversized response header',
    failure: { code: 'UND_ERR_HEADERS_OVERFLOW', message: 'Headers Overflow Error' },
    outcomes: all(502),
    cause: 'upstream_invalid',
    logMessage: 'upstream sent too big header while reading response header from upstream',
  },
  {
    name: 'no response header within upstreamTimeoutMs',
    failure: { code: 'UND_ERR_HEADERS_TIMEOUT' },
    outcomes: all(504),
    cause: 'upstream_timeout',
    logMessage: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
  },
  {
    name: "the gateway's own full queue",
    failure: { code: GATEWAY_OVERFLOW_CODE, phase: 'connecting' },
    outcomes: { nginx: 502, haproxy: 503, envoy: 503, alb: 503 },
    cause: 'gateway_overflow',
    logMessage: 'no live upstreams while connecting to upstream',
  },
  {
    name: 'a reset on a reused connection idle as long as the keep-alive timeout',
    failure: { code: 'ECONNRESET', reused: true, idleMs: 5000 },
    outcomes: { nginx: 502, haproxy: 'close', envoy: 503, alb: 502 },
    cause: 'keepalive_race',
    logMessage: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  },
  {
    name: 'a close on a reused connection idle for the keep-alive timeout minus the round trip',
    failure: { code: 'UND_ERR_SOCKET', message: 'other side closed', reused: true, idleMs: 4999.9 },
    outcomes: { nginx: 502, haproxy: 'close', envoy: 503, alb: 502 },
    cause: 'keepalive_race',
    logMessage: 'upstream prematurely closed connection while reading response header from upstream',
  },
  {
    name: 'a reset on a busy pooled connection (idle 3 ms) under overload',
    failure: { code: 'ECONNRESET', reused: true, idleMs: 3 },
    outcomes: { nginx: 502, haproxy: 'close', envoy: 503, alb: 502 },
    cause: 'upstream_reset',
    logMessage: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  },
  {
    name: 'a close on a reused connection just short of the keep-alive timeout minus the round trip',
    failure: { code: 'UND_ERR_SOCKET', message: 'other side closed', reused: true, idleMs: 4999.8 },
    outcomes: { nginx: 502, haproxy: 'close', envoy: 503, alb: 502 },
    cause: 'upstream_closed',
    logMessage: 'upstream prematurely closed connection while reading response header from upstream',
  },
  {
    name: 'an error no row names',
    failure: { code: 'UND_ERR_SOMETHING_NEW', message: 'boom' },
    outcomes: { nginx: 502, haproxy: 502, envoy: 503, alb: 502 },
    cause: 'upstream_closed',
    logMessage: 'upstream failed (UND_ERR_SOMETHING_NEW: boom) while reading response header from upstream',
  },
];

/** After the response header went to the client: every profile closes the client connection. */
const TRUNCATIONS: { name: string; failure: Partial<UpstreamFailure>; logMessage: string }[] = [
  { name: 'a close', failure: { code: 'UND_ERR_SOCKET', message: 'other side closed' }, logMessage: 'upstream prematurely closed connection while reading upstream' },
  { name: 'a reset', failure: { code: 'ECONNRESET' }, logMessage: 'recv() failed (104: Connection reset by peer) while reading upstream' },
  { name: 'a body timeout', failure: { code: 'UND_ERR_BODY_TIMEOUT' }, logMessage: 'upstream timed out (110: Connection timed out) while reading upstream' },
  { name: 'a reset on an idle reused connection', failure: { code: 'ECONNRESET', reused: true, idleMs: 60_000 }, logMessage: 'recv() failed (104: Connection reset by peer) while reading upstream' },
];

function expected(row: Row, profile: GatewayProfile): FailureVerdict {
  const outcome = row.outcomes[profile];
  return outcome === 'close'
    ? { action: 'close', reason: 'silent_close', cause: row.cause, logMessage: row.logMessage }
    : { action: 'respond', status: outcome, cause: row.cause, logMessage: row.logMessage };
}

describe('classifyFailure', () => {
  for (const row of ROWS) {
    for (const profile of PROFILES) {
      const outcome = row.outcomes[profile];
      it(`the ${profile} profile answers ${outcome === 'close' ? 'a silent close' : outcome} (${row.cause}) to ${row.name}`, () => {
        deepStrictEqual(classifyFailure({ ...BASE, ...row.failure }, profile), expected(row, profile));
      });
    }
  }

  for (const row of TRUNCATIONS) {
    for (const profile of PROFILES) {
      it(`the ${profile} profile closes the client connection (upstream_truncated) on ${row.name} after the response header`, () => {
        deepStrictEqual(classifyFailure({ ...BASE, ...row.failure, phase: 'streaming_body' }, profile), {
          action: 'close',
          reason: 'response_started',
          cause: 'upstream_truncated',
          logMessage: row.logMessage,
        });
      });
    }
  }

  it('never calls a failure on a fresh connection a keep-alive race, however long ago the last request was', () => {
    const verdict = classifyFailure({ ...BASE, reused: false, idleMs: null, keepAliveHintMs: 0 }, 'nginx');
    strictEqual(verdict.cause, 'upstream_reset');
  });

  it("uses the failure's keep-alive hint, not a fixed 5 s", () => {
    strictEqual(classifyFailure({ ...BASE, reused: true, idleMs: 150, keepAliveHintMs: 100 }, 'nginx').cause, 'keepalive_race');
    strictEqual(classifyFailure({ ...BASE, reused: true, idleMs: 150, keepAliveHintMs: 1000 }, 'nginx').cause, 'upstream_reset');
  });

  it('does not call a timeout on an idle reused connection a keep-alive race', () => {
    strictEqual(classifyFailure({ ...BASE, code: 'UND_ERR_HEADERS_TIMEOUT', reused: true, idleMs: 60_000 }, 'nginx').cause, 'upstream_timeout');
  });
});
