/**
 * nginx's error log, one line at a time, as cause codes (issue 6: `overload explain`,
 * `--gateway-log`, `--gateway nginx`). Pure: no clock, no I/O. The same parser reads a real
 * nginx's log and the one our gateway fixture writes in nginx's words (fixtures/gateway/error-log.ts,
 * nginx-message.ts). Tested on lines a real nginx 1.22 wrote: test/fixtures/logs/nginx-1.22-error.log.
 *
 * The line (ngx_log_error_core, then ngx_http_log_error_handler for the fields after the message):
 *   2026/11/26 02:27:18 [error] 27317#27317: *4 recv() failed (104: Connection reset by peer) while
 *   reading response header from upstream, client: 127.0.0.1, server: , request: "GET /reset HTTP/1.1",
 *   upstream: "http://127.0.0.1:44327/reset", host: "127.0.0.1:45703"
 *
 * One failure line is one failed *attempt*, not one failed response: nginx retries the next server
 * (proxy_next_upstream), and once more on a cached keep-alive connection, so a line can stand
 * behind a response that succeeded (the fixture log's `*41`: the client got 200).
 */
import type { CauseCode } from '../../fixtures/gateway/causes.ts';
import type { LogParser, ParsedLine } from './log-line.ts';

/**
 * `YYYY/MM/DD HH:MM:SS [level] pid#tid: [*connection ]text`. The connection number is missing on
 * lines about no request (start, stop, signals). nginx prints its local time with no zone.
 */
const LINE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(emerg|alert|crit|error|warn|notice|info|debug)\] \d+#\d+: (?:\*\d+ )?(.*)$/;

/**
 * Levels an upstream failure is logged at: NGX_LOG_ERR, and NGX_LOG_CRIT for the connect() errors
 * ngx_event_connect_peer does not expect (`connect() to unix:/x.sock failed (2: …)`). A `[warn]`
 * (`upstream server temporarily disabled`), `[notice]` or `[info]` line never is one.
 */
const FAILURE_LEVELS: ReadonlySet<string> = new Set(['emerg', 'alert', 'crit', 'error']);

/**
 * nginx's `log->action` strings for an upstream connection (ngx_http_upstream.c, ngx_event_pipe.c),
 * printed as " while <action>". Other actions ("reading client request body", "sending to client",
 * "requesting certificate status") are about the client or another peer: not upstream failures.
 */
export const UPSTREAM_ACTIONS = [
  'connecting to upstream',
  'SSL handshaking to upstream',
  'sending request to upstream',
  'reading response header from upstream',
  // Set once the response header went to the client (ngx_http_upstream_process_upstream,
  // ngx_http_upstream_process_non_buffered_upstream, ngx_event_pipe): the status is already sent.
  'reading upstream',
] as const;

const ACTION = new RegExp(` while (${UPSTREAM_ACTIONS.join('|')})$`);
/** The body phase: whatever fails in it cuts the response short (DESIGN.md §2, last row). */
const BODY_ACTION = 'reading upstream';

/** One row of {@link NGINX_CAUSES}: what the message says, and the cause it means. */
export interface NginxCauseRow {
  /** Matched against the message without its " while …" action and the fields after it. */
  pattern: RegExp;
  cause: CauseCode;
}

/**
 * nginx's failure messages → cause codes, first match wins. The errno rows match any system call
 * (`connect()`, `recv()`, `writev()`, `sendfile()`, `SSL_do_handshake()`…) and both of nginx's
 * forms: `connect() failed (111: …)` (ngx_http_upstream_test_connect, SO_ERROR after a
 * non-blocking connect) and `connect() to 127.0.0.1:3000 failed (111: …)` (ngx_event_connect_peer,
 * when connect() fails at once). Linux errno numbers.
 *
 * The keep-alive race cannot be told from the log: nginx writes the same premature close (a FIN)
 * or recv() 104 (a RST) on a cached connection as on a fresh one, and `*N` is the client
 * connection's serial number, not the upstream connection's. Such lines count as
 * `upstream_closed` / `upstream_reset`, never `keepalive_race` (the fixture log's `*38`, `*41`).
 */
export const NGINX_CAUSES: readonly NginxCauseRow[] = [
  // ECONNREFUSED: nothing listens (ngx_http_upstream_test_connect / ngx_event_connect_peer).
  { pattern: /^\w+\(\)(?: to \S+)? failed \(111: /, cause: 'upstream_refused' },
  // ngx_event_connect_peer's other ways a connect() fails before any byte: ENETDOWN 100,
  // ENETUNREACH 101, EHOSTDOWN 112, EHOSTUNREACH 113 (logged at [error] there), EADDRNOTAVAIL 99
  // (no local port left), ENOENT 2 (no unix socket), and EAGAIN 11, which "Linux returns instead of
  // ECONNREFUSED for unix sockets if listen queue is full" (ngx_event_connect.c). connect() only:
  // `open() … failed (2: …)` is a missing file, not an upstream.
  { pattern: /^connect\(\)(?: to \S+)? failed \((?:2|11|99|100|101|112|113): /, cause: 'upstream_refused' },
  // ECONNRESET 104, EPIPE 32 (a write after the reset), ECONNABORTED 103: `recv() failed (104: …)`
  // in ngx_http_upstream_process_header, `writev() failed (104|32: …)` in ngx_http_upstream_send_request.
  { pattern: /^\w+\(\)(?: to \S+)? failed \((?:104|32|103): /, cause: 'upstream_reset' },
  // ETIMEDOUT from the kernel itself (TCP retransmissions given up), not nginx's own timers.
  { pattern: /^\w+\(\)(?: to \S+)? failed \(110: /, cause: 'upstream_timeout' },
  // nginx's timers: ngx_http_upstream_next logs "upstream timed out" for FT_TIMEOUT
  // (proxy_connect_timeout, proxy_send_timeout, proxy_read_timeout before the header: 504);
  // ngx_http_upstream_process_upstream for proxy_read_timeout in the body.
  { pattern: /^upstream timed out\b/, cause: 'upstream_timeout' },
  // recv() returned 0, a FIN (ngx_http_upstream_process_header); FastCGI's "stdout"/"request"
  // (ngx_http_fastcgi_module.c) and gRPC's "stream" (ngx_http_grpc_module.c) say the same.
  { pattern: /^upstream prematurely closed\b/, cause: 'upstream_closed' },
  // rr get_peer returned NGX_BUSY (ngx_http_upstream_connect, FT_NOLIVE: 502): every server at
  // `max_conns`, or marked failed by `max_fails`/`fail_timeout`. Our fixture writes it for its own
  // full queue. Its `upstream:` field names the upstream block, not an address.
  { pattern: /^no live upstreams\b/, cause: 'gateway_overflow' },
  // ngx_http_upstream_process_header: the header did not fit proxy_buffer_size (FT_INVALID_HEADER).
  { pattern: /^upstream sent too big header\b/, cause: 'upstream_invalid' },
  // ngx_http_proxy_process_status_line. nginx (1.22, and its source today) then passes the bytes
  // on as an HTTP/0.9 response instead of answering 502: the client gets the upstream's garbage
  // and no status line (measured: Node's client failed with HPE_INVALID_STATUS).
  { pattern: /^upstream sent no valid HTTP\/1\.0 header\b/, cause: 'upstream_invalid' },
  // ngx_http_proxy_process_header, NGX_HTTP_PARSE_INVALID_HEADER (FT_INVALID_HEADER: 502); 1.22
  // adds the header up to the bad byte: `upstream sent invalid header: "Bad\x20..."`.
  { pattern: /^upstream sent invalid header\b/, cause: 'upstream_invalid' },
  // A bad status in the uwsgi/scgi modules (`invalid status "…"`) and gRPC (`invalid :status`).
  { pattern: /^upstream sent invalid :?status\b/, cause: 'upstream_invalid' },
  // Anything else nginx says the upstream sent wrong: a bad chunk (ngx_http_proxy_chunked_filter),
  // FastCGI records, gRPC frames, trailers. ("more data than specified in Content-Length" is a
  // [warn], which the level check already leaves out.)
  { pattern: /^upstream sent /, cause: 'upstream_invalid' },
  // ngx_http_upstream_resolve_handler (proxy_pass with variables and a `resolver`): 502. The
  // numbers are ngx_resolver_strerror's: 1–5 DNS rcodes, 110 its own timeout.
  { pattern: /^\S+ could not be resolved \(\d+: /, cause: 'upstream_unresolved' },
  // Not nginx's: our gateway fixture's line for an error no other row names (nginx-message.ts,
  // kind 'other'), which classify.ts counts as a premature close.
  { pattern: /^upstream failed \(/, cause: 'upstream_closed' },
];

/** `upstream: "…"` with only `host` and `referrer` after it (ngx_http_log_error_handler's order). */
const UPSTREAM_FIELD = /, upstream: "([^"]*)"(?:, host: "[^"]*")?(?:, referrer: ".*")?$/;

/** Parses one line of nginx's error log; see the module comment. */
export function parseNginxErrorLine(line: string): ParsedLine {
  const match = LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (match === null) return { kind: 'unknown' };
  const [, year, month, day, hour, minute, second, level = '', text = ''] = match;
  if (!FAILURE_LEVELS.has(level)) return { kind: 'other' };
  // The message comes first: the request line, which the client chose, only after ", client: ".
  const clientAt = text.indexOf(', client: ');
  const message = clientAt === -1 ? text : text.slice(0, clientAt);
  const cause = causeOf(message);
  if (cause === null) return { kind: 'other' };
  const upstream = clientAt === -1 ? null : (UPSTREAM_FIELD.exec(text.slice(clientAt))?.[1] ?? null);
  return {
    kind: 'failure',
    event: { time: utcWallClock(year, month, day, hour, minute, second), cause, status: null, upstream, message },
  };
}

/** The cause a message names, or null when it names no upstream failure. */
function causeOf(message: string): CauseCode | null {
  const action = ACTION.exec(message);
  // Another action is about the client or another peer (see UPSTREAM_ACTIONS); the resolver's
  // lines carry no action at all (the capture's lines 34–36).
  if (action === null && message.includes(' while ')) return null;
  const what = action === null ? message : message.slice(0, action.index);
  const row = NGINX_CAUSES.find((candidate) => candidate.pattern.test(what));
  if (row === undefined) return null;
  return action?.[1] === BODY_ACTION ? 'upstream_truncated' : row.cause;
}

/** ms since the epoch for nginx's zone-less local time read as UTC; null for an impossible date. */
function utcWallClock(...fields: (string | undefined)[]): number | null {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields.map(Number);
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(time);
  // Date.UTC rolls 2026/02/30 over to March 2nd: a line that says so is corrupt, not a time.
  const same =
    back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day && back.getUTCHours() === hour && back.getUTCMinutes() === minute && back.getUTCSeconds() === second;
  return same ? time : null;
}

/** nginx's error log format (`--log-format nginx`). `looksLike` checks the line's shape only. */
export const nginxErrorLog: LogParser = {
  format: 'nginx',
  parse: parseNginxErrorLine,
  looksLike: (line) => LINE.test(line.endsWith('\r') ? line.slice(0, -1) : line),
};
