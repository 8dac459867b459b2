import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CauseCode } from '../../fixtures/gateway/causes.ts';
import { HAPROXY_STATES, haproxyLog, meaningOf } from '../../harness/logs/haproxy-log.ts';
import type { ParsedLine } from '../../harness/logs/log-line.ts';

// Real lines of HAProxy 2.6, one per fault (test/fixtures/logs/README-haproxy.md says which).
const FIXTURE = new URL('../fixtures/logs/haproxy-2.6-http.log', import.meta.url);
const LINES = readFileSync(FIXTURE, 'utf8').split('\n').filter((line) => line !== '');

/** What a row expects: `other`, or a failure's cause, status, time (UTC wall clock) and upstream. */
type Expected = 'other' | { cause: CauseCode; status: number | null; time: string; upstream: string };

const fail = (cause: CauseCode, status: number | null, time: string, upstream = 'be_upstream/srv1'): Expected => ({
  cause,
  status,
  time: `2026-11-26T${time}Z`,
  upstream,
});

/** Every line of the fixture: a substring only that line has, the fault that made it, what it means. */
const ROWS: readonly (readonly [find: string, fault: string, expected: Expected])[] = [
  [':47360 [', 'a connection that sent no request (CR-- 400)', 'other'],
  [':47374 [', 'a request served (---- 200)', 'other'],
  [':47386 [', 'a request served (---- 200)', 'other'],
  [':48032 [', 'a request served, rfc3164 prefix', 'other'],
  [':50810 [', "the upstream's own 503 (shed '503'), passed through", 'other'],
  [':57490 [', 'nothing listening on the server port (SC-- 503)', fail('upstream_refused', 503, '02:25:19.886')],
  [':43836 [', 'nothing listening, rfc3164 prefix', fail('upstream_refused', 503, '02:25:23.719')],
  [':50994 [', "shed 'reset' (SH-- 502)", fail('upstream_closed', 502, '02:25:27.555')],
  [':36460 [', "shed 'reset', rfc3164 prefix", fail('upstream_closed', 502, '02:25:28.633')],
  [':36734 [', "shed 'close' (SH-- 502)", fail('upstream_closed', 502, '02:25:29.712')],
  [':46200 [', "shed 'hang' past timeout server (sH-- 504)", fail('upstream_timeout', 504, '02:25:30.792')],
  [':39028 [', "shed 'hang', rfc3164 prefix", fail('upstream_timeout', 504, '02:25:32.188')],
  [':60196 [', 'invalidEvery 1: status line 2OO (PH-- 502)', fail('upstream_invalid', 502, '02:25:33.472')],
  [':58284 [', 'a header name with a space (PH-- 502)', fail('upstream_invalid', 502, '02:25:34.250')],
  [':35182 [', 'a RST in the middle of the body (SD-- 200)', fail('upstream_truncated', 200, '02:25:35.096')],
  [':58594 [', 'a FIN in the middle of the body (SD-- 200)', fail('upstream_truncated', 200, '02:25:36.036')],
  [':57684 [', 'a body that stops, past timeout server (sD-- 200)', fail('upstream_truncated', 200, '02:25:36.920')],
  [':60178 [', 'a bad chunk size in the first packet (PH-- 502)', fail('upstream_invalid', 502, '02:25:38.258')],
  [':41214 [', 'maxconn 1, past timeout queue (sQ-- 503)', fail('gateway_overflow', 503, '02:25:39.089', 'be_upstream/<NOSRV>')],
  [':41200 [', 'the request that held the one connection (---- 200)', 'other'],
  [':33086 [', 'a client reset while waiting, no abortonclose (CD-- 200)', 'other'],
  [':34414 [', 'a client FIN while waiting, no abortonclose (---- 200)', 'other'],
  [':33772 [', 'a client reset during the body (CD-- 200)', 'other'],
  [':44950 [', 'a partial request past timeout http-request (cR-- 408)', 'other'],
  [':54668 [', 'a client closed in the middle of its request (CR-- 400)', 'other'],
  [':34142 [', 'a request with a bad header name (PR-- 400)', 'other'],
  [':35984 [', 'a full accept queue, past timeout connect (sC-- 503)', fail('upstream_timeout', 503, '02:26:14.507')],
  [':43900 [', 'a bad chunk size after the headers (SD-- 200)', fail('upstream_truncated', 200, '02:26:17.426')],
  [':34532 [', 'a client reset while queued (CQ-- -1)', 'other'],
  [':34548 [', 'a client FIN while queued (CQ-- -1)', 'other'],
  [':54626 [', 'a client reset while waiting, abortonclose (CD-- -1)', 'other'],
  [':54630 [', 'a client FIN while waiting, abortonclose (CH-- 400)', 'other'],
  [':38132 [', 'use-server and maxqueue 1 full (SQ-- 503)', fail('gateway_overflow', 503, '02:26:26.238')],
  [':34390 [', 'past timeout queue, rfc3164 prefix', fail('gateway_overflow', 503, '02:26:30.502', 'be_upstream/<NOSRV>')],
  [':52640 [', 'status line 2OO, rfc3164 prefix', fail('upstream_invalid', 502, '02:26:33.921')],
  [':55844 [', "shed 'reset', rfc5424 prefix", fail('upstream_closed', 502, '02:26:44.852')],
  [':36098 [', "shed 'reset', short prefix (<6>)", fail('upstream_closed', 502, '02:26:45.995')],
  [':58826 [', "shed 'reset', local prefix (no host name)", fail('upstream_closed', 502, '02:26:47.075')],
  [':47064 [', "shed 'reset', iso prefix", fail('upstream_closed', 502, '02:26:48.207')],
  [':58354 [', "shed 'reset', timed prefix", fail('upstream_closed', 502, '02:26:49.284')],
  [':58298 [', "shed 'reset', priority prefix (<134>)", fail('upstream_closed', 502, '02:26:50.413')],
  ['::1:55942 [', "an IPv6 client's POST, shed 'close'", fail('upstream_closed', 502, '02:26:52.988')],
  ['::1:55926 [', "an IPv6 client's GET served", 'other'],
  ['^Server be_upstream/srv1 is DOWN', 'the health check notice, raw', 'other'],
  ['^backend be_upstream has no server', 'the no-server notice, raw', 'other'],
  [':50952 [', 'every server down (SC-- 503, <NOSRV>)', fail('upstream_refused', 503, '02:27:23.220', 'be_upstream/<NOSRV>')],
  ['<129>', 'the health check notice, rfc3164', 'other'],
  ['<128>', 'the no-server notice, rfc3164', 'other'],
  [':35464 [', 'every server down, rfc3164 prefix', fail('upstream_refused', 503, '02:27:24.193', 'be_upstream/<NOSRV>')],
  [':54064 [', "shed 'reset' with captured headers", fail('upstream_closed', 502, '02:27:52.594')],
  [':54052 [', 'a request served, with captured headers', 'other'],
];

/** Whether `line` is the one a row's `find` names (`^` anchors it at the start). */
const isRowOf = (find: string, line: string): boolean => (find.startsWith('^') ? line.startsWith(find.slice(1)) : line.includes(find));

/** The fixture's one line for a row. */
function lineOf(find: string): string {
  const found = LINES.filter((line) => isRowOf(find, line));
  strictEqual(found.length, 1, `${find} should name exactly one line of the fixture`);
  return found[0] ?? '';
}

/** The parse result, with the time as an ISO string, for exact comparison with a row. */
function summary(parsed: ParsedLine): Expected | 'unknown' {
  if (parsed.kind !== 'failure') return parsed.kind;
  const { cause, status, time, upstream } = parsed.event;
  return { cause, status, time: time === null ? 'null' : new Date(time).toISOString(), upstream: upstream ?? 'null' };
}

/** A real line with one field swapped, for the variants HAProxy 2.6 did not produce here. */
function variant(find: string, from: string, to: string): string {
  const line = lineOf(find);
  strictEqual(line.includes(from), true);
  return line.replace(from, to);
}

describe('haproxyLog', () => {
  it('has a row for every line of the fixture, and each row names one line', () => {
    strictEqual(LINES.length, ROWS.length);
    for (const line of LINES) strictEqual(ROWS.filter(([find]) => isRowOf(find, line)).length, 1, line);
  });

  describe('reads each real line of HAProxy 2.6', () => {
    for (const [find, fault, expected] of ROWS) {
      const what = expected === 'other' ? 'other' : `${expected.cause} ${expected.status}`;
      it(`${fault} → ${what}`, () => {
        deepStrictEqual(summary(haproxyLog.parse(lineOf(find))), expected);
      });
    }
  });

  it('tells the termination state, the status and the doc wording in the message', () => {
    const parsed = haproxyLog.parse(lineOf(':50994 ['));
    strictEqual(parsed.kind === 'failure' && parsed.event.message, 'SH-- 502 (server aborted before sending its full response headers)');
  });

  it('says no server was available for an SC-- line whose server is <NOSRV>', () => {
    const parsed = haproxyLog.parse(lineOf(':50952 ['));
    strictEqual(parsed.kind === 'failure' && parsed.event.message, 'SC-- 503 (no server available: every server down or disabled)');
  });

  it("reads shed 'reset' and shed 'close' alike: HAProxy cannot tell a RST from a FIN", () => {
    const reset = summary(haproxyLog.parse(lineOf(':50994 [')));
    const close = summary(haproxyLog.parse(lineOf(':36734 [')));
    deepStrictEqual([typeof reset === 'object' && reset.cause, typeof close === 'object' && close.cause], ['upstream_closed', 'upstream_closed']);
  });

  it('reads the request date as a UTC wall clock, to the millisecond', () => {
    const parsed = haproxyLog.parse(lineOf(':50994 ['));
    strictEqual(parsed.kind === 'failure' && parsed.event.time, Date.UTC(2026, 10, 26, 2, 25, 27, 555));
  });

  it('reads a line the same with any syslog prefix as without one', () => {
    const raw = LINES.filter((line) => /^[\d.:]+:\d+ \[/.test(line));
    strictEqual(raw.length, 34);
    const prefixes = [
      '<134>Nov 26 02:30:00 haproxy[123]: ',
      'Nov 26 02:30:00 gw1 haproxy[123]: ',
      '<134>1 2026-11-26T02:30:00.000000+00:00 gw1 haproxy 123 - - ',
      '2026-11-26T02:30:00+00:00 gw1 haproxy[123]: ',
      '<6>',
    ];
    for (const line of raw) {
      for (const prefix of prefixes) deepStrictEqual(haproxyLog.parse(prefix + line), haproxyLog.parse(line), prefix + line);
    }
  });

  it('reads a 502 with PH-- as invalid, and the same state with 400 or 500 as no upstream failure', () => {
    deepStrictEqual(
      ['502', '400', '500'].map((status) => haproxyLog.parse(variant(':60196 [', ' 502 209 ', ` ${status} 209 `)).kind),
      ['failure', 'other', 'other'],
    );
  });

  it('reads a 5xx the server sent itself (----) as other', () => {
    strictEqual(haproxyLog.parse(variant(':50810 [', ' 503 167 ', ' 502 167 ')).kind, 'other');
  });

  it('reads client-side states it has no row for (cL, CL) as other', () => {
    for (const state of ['cL--', 'CL--', 'KD--']) strictEqual(haproxyLog.parse(variant(':33772 [', 'CD--', state)).kind, 'other', state);
  });

  it('leaves a state it does not know, or a month HAProxy never writes, for what they are', () => {
    strictEqual(haproxyLog.parse(variant(':50994 [', 'SH--', 'XH--')).kind, 'unknown');
    const noTime = haproxyLog.parse(variant(':50994 [', '/Nov/', '/Non/'));
    deepStrictEqual(noTime.kind === 'failure' && [noTime.event.cause, noTime.event.time], ['upstream_closed', null]);
  });

  it('looks a state up by its first two characters, whatever the cookie flags', () => {
    strictEqual(meaningOf('SHNI'), HAPROXY_STATES.SH);
    strictEqual(meaningOf('sQ'), HAPROXY_STATES.sQ);
    strictEqual(meaningOf('ZZ--'), null);
  });

  describe('gives unknown for lines it cannot read', () => {
    const sh = lineOf(':50994 [');
    const cases: readonly (readonly [string, string])[] = [
      ['an empty line', ''],
      ['a line cut before the request', sh.slice(0, sh.indexOf(' "GET'))],
      ['a line cut in the middle of the timers', sh.slice(0, sh.indexOf('/-1/2') + 2)],
      ['a status that is no number', sh.replace(' 502 ', ' 5x2 ')],
      ['a TCP log line (option tcplog)', '127.0.0.1:47374 [26/Nov/2026:02:25:17.023] fe_tcp be_upstream/srv1 0/0/5 212 SD 1/1/0/0/0 0/0'],
      ['an nginx error-log line', '2026/11/25 20:30:01 [error] 1234#0: *5 upstream prematurely closed connection while reading response header from upstream'],
      ['a CLF line (option httplog clf)', '"127.0.0.1" - - [26/Nov/2026:02:25:27 +0000] "GET / HTTP/1.1" 502 209 "" "" 50994 555 "fe_http" "be_upstream" "srv1" 0 0 1 -1 2 SH-- 2 2 1 1 0 0 0 "" "" "" ""'],
    ];
    for (const [what, line] of cases) {
      it(what, () => {
        deepStrictEqual(haproxyLog.parse(line), { kind: 'unknown' });
      });
    }
  });

  it("looks like HAProxy's log on its traffic lines and notices, and not on others", () => {
    strictEqual(LINES.every((line) => haproxyLog.looksLike(line)), true);
    strictEqual(haproxyLog.looksLike('2026/11/25 20:30:01 [error] 1234#0: *5 connect() failed (111: Connection refused)'), false);
    strictEqual(haproxyLog.looksLike(''), false);
    strictEqual(haproxyLog.format, 'haproxy');
  });
});
