import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAUSE_CODES, type CauseCode } from '../../fixtures/gateway/causes.ts';
import { classifyFailure } from '../../fixtures/gateway/classify.ts';
import { formatErrorLogLine } from '../../fixtures/gateway/error-log.ts';
import { GATEWAY_OVERFLOW_CODE, kindOf, type FailurePhase, type UpstreamFailure } from '../../fixtures/gateway/failure.ts';
import { nginxMessage } from '../../fixtures/gateway/nginx-message.ts';
import { nginxErrorLog } from '../../harness/logs/nginx-error-log.ts';
import type { ParsedLine } from '../../harness/logs/log-line.ts';

/** Lines a real nginx 1.22.1 wrote on this project's fixtures (see test/fixtures/logs/README.md). */
const REAL_LINES = readFileSync(new URL('../fixtures/logs/nginx-1.22-error.log', import.meta.url), 'utf8').split('\n').filter((line) => line !== '');

/** The capture's wall clock: 2026/11/26, as nginx printed it. */
const at = (clock: string): number => {
  const [hour = 0, minute = 0, second = 0] = clock.split(':').map(Number);
  return Date.UTC(2026, 10, 26, hour, minute, second);
};

const failure = (cause: CauseCode, clock: string, upstream: string | null, message: string): ParsedLine => ({
  kind: 'failure',
  event: { time: at(clock), cause, status: null, upstream, message },
});
const OTHER: ParsedLine = { kind: 'other' };
const HEADER = 'while reading response header from upstream';

/** Every line of the real log, by line number: what nginx meant, and what the parser must say. */
const REAL: readonly [line: number, what: string, expected: ParsedLine][] = [
  [1, 'a start-up notice', OTHER],
  [2, 'the version notice', OTHER],
  [3, 'the OS notice', OTHER],
  [4, 'the file-limit notice', OTHER],
  [5, 'the master starting workers', OTHER],
  [6, 'a worker started', OTHER],
  [7, "shed 'reset': a RST", failure('upstream_reset', '02:27:18', 'http://127.0.0.1:44327/reset', `recv() failed (104: Connection reset by peer) ${HEADER}`)],
  [8, "shed 'reset' again", failure('upstream_reset', '02:27:18', 'http://127.0.0.1:44327/reset', `recv() failed (104: Connection reset by peer) ${HEADER}`)],
  [9, "shed 'close': a FIN", failure('upstream_closed', '02:27:19', 'http://127.0.0.1:41953/close', `upstream prematurely closed connection ${HEADER}`)],
  [10, "shed 'close' again", failure('upstream_closed', '02:27:19', 'http://127.0.0.1:41953/close', `upstream prematurely closed connection ${HEADER}`)],
  [11, "shed 'hang' past proxy_read_timeout", failure('upstream_timeout', '02:27:20', 'http://127.0.0.1:43855/hang', `upstream timed out (110: Connection timed out) ${HEADER}`)],
  [12, 'invalidEvery 1: a bad status line', failure('upstream_invalid', '02:27:21', 'http://127.0.0.1:41057/invalid', `upstream sent no valid HTTP/1.0 header ${HEADER}`)],
  [13, 'invalidEvery 1 again', failure('upstream_invalid', '02:27:21', 'http://127.0.0.1:41057/invalid', `upstream sent no valid HTTP/1.0 header ${HEADER}`)],
  [14, 'a stopped port', failure('upstream_refused', '02:27:21', 'http://127.0.0.1:35361/refused', 'connect() failed (111: Connection refused) while connecting to upstream')],
  [15, 'max_fails: the first server refuses', failure('upstream_refused', '02:27:21', 'http://127.0.0.1:35361/maxfails', 'connect() failed (111: Connection refused) while connecting to upstream')],
  [16, 'max_fails: the first server disabled ([warn])', OTHER],
  [17, 'max_fails: the second server refuses', failure('upstream_refused', '02:27:21', 'http://127.0.0.1:34769/maxfails', 'connect() failed (111: Connection refused) while connecting to upstream')],
  [18, 'max_fails: the second server disabled ([warn])', OTHER],
  [19, 'max_fails: every server disabled', failure('gateway_overflow', '02:27:21', 'http://maxfails/maxfails', 'no live upstreams while connecting to upstream')],
  [20, 'max_conns=1 reached', failure('gateway_overflow', '02:27:21', 'http://maxconns/maxconns', 'no live upstreams while connecting to upstream')],
  [21, 'max_conns=1 reached again', failure('gateway_overflow', '02:27:21', 'http://maxconns/maxconns', 'no live upstreams while connecting to upstream')],
  [22, 'limit_req rejecting (a 503 nginx chose, no upstream failure)', OTHER],
  [23, 'limit_req again', OTHER],
  [24, 'the keep-alive race, POST (502)', failure('upstream_closed', '02:27:25', 'http://127.0.0.1:46675/race', `upstream prematurely closed connection ${HEADER}`)],
  [25, 'the keep-alive race, GET (retried: the client got 200)', failure('upstream_closed', '02:27:27', 'http://127.0.0.1:46675/race', `upstream prematurely closed connection ${HEADER}`)],
  [26, 'a body that stalls past proxy_read_timeout', failure('upstream_truncated', '02:27:28', 'http://127.0.0.1:38429/stall', 'upstream timed out (110: Connection timed out) while reading upstream')],
  [27, 'a bad chunk in the body', failure('upstream_truncated', '02:27:28', 'http://127.0.0.1:39261/badchunk', 'upstream sent invalid chunked response while reading upstream')],
  [28, 'a header name with a space', failure('upstream_invalid', '02:27:28', 'http://127.0.0.1:42963/badheader', `upstream sent invalid header: "Bad\\x20..." ${HEADER}`)],
  [29, 'a 20 KB header', failure('upstream_invalid', '02:27:28', 'http://127.0.0.1:46243/toobig', `upstream sent too big header ${HEADER}`)],
  [30, 'a body cut short by a FIN', failure('upstream_truncated', '02:27:29', 'http://127.0.0.1:35821/truncated', 'upstream prematurely closed connection while reading upstream')],
  [31, 'a request body buffered to a file ([warn])', OTHER],
  [32, 'a RST while nginx sends an 8 MB body', failure('upstream_reset', '02:27:29', 'http://127.0.0.1:44555/sendreset', 'writev() failed (104: Connection reset by peer) while sending request to upstream')],
  [33, 'a full accept queue past proxy_connect_timeout', failure('upstream_timeout', '02:27:31', 'http://127.0.0.1:35019/ctimeout', 'upstream timed out (110: Connection timed out) while connecting to upstream')],
  [34, 'NXDOMAIN', failure('upstream_unresolved', '02:27:31', null, 'nxdomain.invalid could not be resolved (3: Host not found)')],
  [35, 'SERVFAIL', failure('upstream_unresolved', '02:27:31', null, 'servfail.invalid could not be resolved (2: Server failure)')],
  [36, 'a DNS server that never answers', failure('upstream_unresolved', '02:27:32', null, 'silent.invalid could not be resolved (110: Operation timed out)')],
  [37, 'a client that went away ([info])', OTHER],
  [38, 'a keep-alive client that left ([info])', OTHER],
  [39, 'a missing static file ([error], no upstream)', OTHER],
  [40, 'the `nginx -s quit` process', OTHER],
  [41, 'the master told to quit', OTHER],
  [42, 'the worker shutting down', OTHER],
  [43, 'the worker exiting', OTHER],
  [44, 'the worker gone', OTHER],
  [45, 'the master hearing of it', OTHER],
  [46, 'the worker reaped', OTHER],
  [47, 'the master gone', OTHER],
];

describe('nginxErrorLog on the lines a real nginx 1.22 wrote', () => {
  it('has an expectation for every line of the capture, in order', () => {
    deepStrictEqual(
      REAL.map(([line]) => line),
      REAL_LINES.map((_, index) => index + 1),
    );
  });

  for (const [line, what, expected] of REAL) {
    it(`line ${line}, ${what}: ${expected.kind === 'failure' ? expected.event.cause : expected.kind}`, () => {
      deepStrictEqual(nginxErrorLog.parse(REAL_LINES[line - 1] ?? ''), expected);
    });
  }

  it('recognises the shape of every line of the capture', () => {
    deepStrictEqual(
      REAL_LINES.filter((line) => !nginxErrorLog.looksLike(line)),
      [],
    );
  });

  it('shows every cause code in the capture except the keep-alive race, which no log line can tell', () => {
    const seen = new Set(REAL.flatMap(([, , parsed]) => (parsed.kind === 'failure' ? [parsed.event.cause] : [])));
    deepStrictEqual(
      CAUSE_CODES.filter((cause) => !seen.has(cause)),
      ['keepalive_race'],
    );
  });
});

/** A fresh connection; the facts the classifier needs besides the code. */
const attempt = (code: string, phase: FailurePhase, extra: Partial<UpstreamFailure> = {}): UpstreamFailure => ({
  code,
  phase,
  reused: false,
  idleMs: null,
  keepAliveHintMs: 5000,
  roundTripMs: 0.1,
  ...extra,
});

/** The line our gateway fixture writes for a failure (fixtures/gateway/server.ts, logFailure). */
const fixtureLine = (failed: UpstreamFailure, time = new Date(2026, 10, 25, 20, 30, 1)): string =>
  formatErrorLogLine({
    time,
    pid: 4242,
    connection: 7,
    message: nginxMessage(kindOf(failed), failed),
    client: '127.0.0.1',
    request: 'GET /a HTTP/1.1',
    upstream: 'http://127.0.0.1:3000/a',
    host: '127.0.0.1:8080',
  });

const ALL_PHASES: FailurePhase[] = ['connecting', 'sending_request', 'reading_header', 'streaming_body'];

/** One failure per family the fixture knows, with the phases its message can carry. */
const FIXTURE_FAILURES: readonly [code: string, extra: Partial<UpstreamFailure>, phases: FailurePhase[]][] = [
  ['ECONNREFUSED', {}, ALL_PHASES],
  ['ENOENT', {}, ['connecting']],
  ['EHOSTUNREACH', {}, ['connecting']],
  ['ENETUNREACH', {}, ['connecting']],
  ['EADDRNOTAVAIL', {}, ['connecting']],
  ['ECONNRESET', {}, ALL_PHASES],
  ['EPIPE', {}, ['sending_request', 'reading_header']],
  ['ECONNABORTED', {}, ALL_PHASES],
  ['UND_ERR_SOCKET', { message: 'other side closed' }, ALL_PHASES],
  ['UND_ERR_CONNECT_TIMEOUT', {}, ['connecting']],
  ['ETIMEDOUT', {}, ALL_PHASES],
  ['UND_ERR_HEADERS_TIMEOUT', {}, ['reading_header']],
  ['UND_ERR_BODY_TIMEOUT', {}, ['streaming_body']],
  ['HPE_INVALID_STATUS', {}, ['reading_header']],
  ['HTTPParserError', { message: 'Response does not match the HTTP/1.1 protocol (Invalid header value char)', detail: 'Bad "Header": x' }, ['reading_header']],
  ['HTTPParserError', { message: 'Response does not match the HTTP/1.1 protocol (Invalid header value char)' }, ['reading_header', 'streaming_body']],
  ['UND_ERR_HEADERS_OVERFLOW', {}, ['reading_header']],
  ['ENOTFOUND', { detail: 'upstream.invalid' }, ['connecting']],
  ['EAI_AGAIN', { detail: 'upstream.invalid' }, ['connecting']],
  [GATEWAY_OVERFLOW_CODE, {}, ['connecting']],
  ['UND_ERR_SOMETHING_NEW', { message: 'a failure no row names' }, ALL_PHASES],
];

describe('nginxErrorLog on the lines our gateway fixture writes', () => {
  for (const [code, extra, phases] of FIXTURE_FAILURES) {
    for (const phase of phases) {
      const failed = attempt(code, phase, extra);
      const { cause } = classifyFailure(failed, 'nginx');
      it(`reads ${code}${extra.detail === undefined ? '' : ' with its detail'} while ${phase} as ${cause}, the cause the fixture counted`, () => {
        const parsed = nginxErrorLog.parse(fixtureLine(failed));
        deepStrictEqual(parsed, {
          kind: 'failure',
          event: { time: Date.UTC(2026, 10, 25, 20, 30, 1), cause, status: null, upstream: 'http://127.0.0.1:3000/a', message: nginxMessage(kindOf(failed), failed) },
        });
      });
    }
  }

  // The fixture knows the connection was reused and idle; its log line does not say so (neither does nginx's).
  for (const [code, logged] of [
    ['UND_ERR_SOCKET', 'upstream_closed'],
    ['ECONNRESET', 'upstream_reset'],
  ] as const) {
    it(`reads a keep-alive race the fixture counted (${code}) as ${logged}, since the line cannot tell`, () => {
      const raced = attempt(code, 'reading_header', { message: 'other side closed', reused: true, idleMs: 5000 });
      strictEqual(classifyFailure(raced, 'nginx').cause, 'keepalive_race');
      const parsed = nginxErrorLog.parse(fixtureLine(raced));
      strictEqual(parsed.kind === 'failure' ? parsed.event.cause : parsed.kind, logged);
    });
  }

  it("reads the fixture's local wall-clock time back as the same wall clock in UTC, in any time zone", () => {
    const parsed = nginxErrorLog.parse(fixtureLine(attempt('ECONNRESET', 'reading_header'), new Date(2027, 0, 2, 3, 4, 5)));
    strictEqual(parsed.kind === 'failure' ? parsed.event.time : null, Date.UTC(2027, 0, 2, 3, 4, 5));
  });
});

const PREFIX = '2026/11/26 02:27:18 [error] 27317#27317: *4 ';
const FIELDS = ', client: 127.0.0.1, server: , request: "GET /a HTTP/1.1", upstream: "http://127.0.0.1:3000/a", host: "127.0.0.1:8080"';

describe('nginxErrorLog on lines in nginx wording that this capture did not produce', () => {
  const rows: readonly [what: string, line: string, cause: CauseCode | 'other', upstream?: string | null][] = [
    ['connect() failing at once, with its peer', `${PREFIX}connect() to 127.0.0.1:3000 failed (111: Connection refused) while connecting to upstream${FIELDS}`, 'upstream_refused'],
    [
      'a missing unix socket, logged at [crit]',
      '2026/11/26 02:27:18 [crit] 27317#27317: *4 connect() to unix:/run/php/php-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php/php-fpm.sock:", host: "a"',
      'upstream_refused',
      'fastcgi://unix:/run/php/php-fpm.sock:',
    ],
    ['a unix socket with a full listen queue', `${PREFIX}connect() to unix:/x.sock failed (11: Resource temporarily unavailable) while connecting to upstream${FIELDS}`, 'upstream_refused'],
    ['a broken pipe while sending', `${PREFIX}writev() failed (32: Broken pipe) while sending request to upstream${FIELDS}`, 'upstream_reset'],
    ['a kernel timeout on recv()', `${PREFIX}recv() failed (110: Connection timed out) while reading response header from upstream${FIELDS}`, 'upstream_timeout'],
    ['a reset in the body', `${PREFIX}recv() failed (104: Connection reset by peer) while reading upstream${FIELDS}`, 'upstream_truncated'],
    ['a reset during the TLS handshake', `${PREFIX}SSL_do_handshake() failed (104: Connection reset by peer) while SSL handshaking to upstream${FIELDS}`, 'upstream_reset'],
    ['a bad status from uwsgi', `${PREFIX}upstream sent invalid status "abc" while reading response header from upstream${FIELDS}`, 'upstream_invalid'],
    ['FastCGI closing early', `${PREFIX}upstream prematurely closed FastCGI stdout while reading response header from upstream${FIELDS}`, 'upstream_closed'],
    ['the OCSP responder refusing (another peer, another action)', `${PREFIX}connect() to 192.0.2.1:80 failed (111: Connection refused) while requesting certificate status, responder: ocsp.example`, 'other'],
    ['a client resetting while nginx reads its request', `${PREFIX}recv() failed (104: Connection reset by peer) while reading client request headers${FIELDS}`, 'other'],
    ['more body than Content-Length, a [warn]', `2026/11/26 02:27:18 [warn] 27317#27317: *4 upstream sent more data than specified in "Content-Length" header while reading upstream${FIELDS}`, 'other'],
    ['an [error] nginx has no row for', `${PREFIX}upstream rejected request with error 2 while reading response header from upstream${FIELDS}`, 'other'],
  ];
  for (const [what, line, cause, upstream = 'http://127.0.0.1:3000/a'] of rows) {
    it(`reads ${what} as ${cause}`, () => {
      const parsed = nginxErrorLog.parse(line);
      deepStrictEqual(parsed.kind === 'failure' ? [parsed.event.cause, parsed.event.upstream] : [parsed.kind, upstream], [cause, upstream]);
    });
  }
});

describe('nginxErrorLog on the edges of the format', () => {
  const reset = `recv() failed (104: Connection reset by peer) ${HEADER}`;

  it('finds the upstream field even when the client put a fake one in the request line', () => {
    const line = `${PREFIX}${reset}, client: 127.0.0.1, server: , request: "GET /x, upstream: "http://evil/" HTTP/1.1", upstream: "http://127.0.0.1:3000/x", host: "a"`;
    const parsed = nginxErrorLog.parse(line);
    strictEqual(parsed.kind === 'failure' ? parsed.event.upstream : null, 'http://127.0.0.1:3000/x');
  });

  it('finds the upstream field before a referrer', () => {
    const parsed = nginxErrorLog.parse(`${PREFIX}${reset}${FIELDS}, referrer: "http://a/, upstream: "x""`);
    strictEqual(parsed.kind === 'failure' ? parsed.event.upstream : null, 'http://127.0.0.1:3000/a');
  });

  it('keeps the cause of a line nginx cut at its 2048-byte limit, without its upstream', () => {
    const line = `${PREFIX}${reset}, client: 127.0.0.1, server: , request: "GET /${'a'.repeat(1900)}`;
    deepStrictEqual(nginxErrorLog.parse(line), { kind: 'failure', event: { time: at('02:27:18'), cause: 'upstream_reset', status: null, upstream: null, message: reset } });
  });

  it('takes the whole text as the message when the line has no client field', () => {
    const parsed = nginxErrorLog.parse(`2026/11/26 02:27:18 [error] 1#1: ${reset}`);
    strictEqual(parsed.kind === 'failure' ? parsed.event.message : null, reset);
  });

  it('gives no time for a date that does not exist, and still the cause', () => {
    const parsed = nginxErrorLog.parse(`2026/02/30 02:27:18 [error] 1#1: *4 ${reset}${FIELDS}`);
    deepStrictEqual(parsed.kind === 'failure' ? [parsed.event.time, parsed.event.cause] : parsed.kind, [null, 'upstream_reset']);
  });

  it('reads a line that ends in a carriage return like one that does not', () => {
    const line = REAL_LINES[6] ?? '';
    deepStrictEqual(nginxErrorLog.parse(`${line}\r`), nginxErrorLog.parse(line));
    strictEqual(nginxErrorLog.looksLike(`${line}\r`), true);
  });

  const malformed: readonly [what: string, line: string][] = [
    ['an empty line', ''],
    ['plain text', 'upstream prematurely closed connection while reading response header from upstream'],
    ['an ISO date', `2026-11-26 02:27:18 [error] 1#1: *4 ${reset}`],
    ['a level nginx does not have', `2026/11/26 02:27:18 [fatal] 1#1: *4 ${reset}`],
    ['no pid#tid', `2026/11/26 02:27:18 [error] *4 ${reset}`],
    ['a single-digit month', `2026/1/26 02:27:18 [error] 1#1: *4 ${reset}`],
    ['a line from HAProxy', 'Nov 26 02:27:18 localhost haproxy[123]: 127.0.0.1:5000 [26/Nov/2026:02:27:18.123] fe be/srv1 0/0/-1/-1/0 503 217 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"'],
    ['an access-log line', '127.0.0.1 - - [26/Nov/2026:02:27:18 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.0"'],
    ['a JSON log line', '{"time":"2026-11-26T02:27:18Z","level":"error","msg":"upstream prematurely closed connection"}'],
  ];
  for (const [what, line] of malformed) {
    it(`calls ${what} unknown, and not nginx's shape`, () => {
      deepStrictEqual(nginxErrorLog.parse(line), { kind: 'unknown' });
      strictEqual(nginxErrorLog.looksLike(line), false);
    });
  }

  it('says the shape of a notice is nginx’s, though the notice is no failure', () => {
    const notice = '2026/11/26 02:27:34 [notice] 27457#27457: signal process started';
    strictEqual(nginxErrorLog.looksLike(notice), true);
    deepStrictEqual(nginxErrorLog.parse(notice), { kind: 'other' });
  });

  it("names its format 'nginx'", () => {
    strictEqual(nginxErrorLog.format, 'nginx');
  });
});
