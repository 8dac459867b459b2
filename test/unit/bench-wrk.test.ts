import assert from 'node:assert/strict';
import { parseWrkOutput, socketErrorCount, type WrkResult } from '../../bench/wrk.ts';

// Captured from wrk debian/4.1.0-3+b2 on this machine against small node:http servers on
// 127.0.0.1 (one answering 200 to all, one answering 502 to every third request, one
// destroying every 50th request's socket, and a closed port).
const ALL_OK = `Running 2s test @ http://127.0.0.1:39823/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.46ms   18.36ms 240.34ms   95.78%
    Req/Sec    19.77k    14.34k   39.81k    40.00%
  39304 requests in 2.01s, 5.66MB read
Requests/sec:  19524.25
Transfer/sec:      2.81MB
`;

const SOME_502 = `Running 2s test @ http://127.0.0.1:39823/bad
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.76ms    1.22ms  27.33ms   89.36%
    Req/Sec    15.17k     5.45k   39.15k    80.49%
  61863 requests in 2.10s, 8.91MB read
  Non-2xx or 3xx responses: 20620
Requests/sec:  29458.96
Transfer/sec:      4.24MB
`;

const SOCKETS_RESET = `Running 2s test @ http://127.0.0.1:39823/reset
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.06ms    1.52ms  19.68ms   87.92%
    Req/Sec    25.20k     7.51k   34.81k    47.62%
  52489 requests in 2.10s, 7.56MB read
  Socket errors: connect 0, read 1071, write 0, timeout 0
Requests/sec:  24975.30
Transfer/sec:      3.60MB
`;

const REFUSED = 'unable to connect to 127.0.0.1:1 Connection refused\n';

const noErrors = { connect: 0, read: 0, write: 0, timeout: 0 };

describe("wrk's output parser", () => {
  const cases: [string, string, WrkResult][] = [
    ['every answer 2xx: rate, count and run time, no failures', ALL_OK, { requestsPerSec: 19524.25, requests: 39304, durationS: 2.01, non2xx3xx: 0, socketErrors: noErrors }],
    ['some 502s: the "Non-2xx or 3xx responses" count', SOME_502, { requestsPerSec: 29458.96, requests: 61863, durationS: 2.1, non2xx3xx: 20620, socketErrors: noErrors }],
    ['reset sockets: the "Socket errors" by kind', SOCKETS_RESET, { requestsPerSec: 24975.3, requests: 52489, durationS: 2.1, non2xx3xx: 0, socketErrors: { ...noErrors, read: 1071 } }],
  ];
  for (const [name, output, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parseWrkOutput(output), expected));
  }

  it('converts the run time from the unit wrk printed it in (format_time_us: us, ms, s, m, h)', () => {
    const withTime = (time: string): string => ALL_OK.replace('in 2.01s,', `in ${time},`);
    assert.deepEqual(['1.00m', '500.00ms', '1.50h'].map((time) => parseWrkOutput(withTime(time)).durationS), [60, 0.5, 5400]);
  });

  it('throws, quoting the output, when wrk printed no summary (a refused connection)', () => {
    assert.throws(() => parseWrkOutput(REFUSED), /no "Requests\/sec:" line; it printed: "unable to connect to 127\.0\.0\.1:1 Connection refused"/);
  });

  it('throws when the total line is missing even though the rate is there', () => {
    const truncated = ALL_OK.split('\n').filter((line) => !line.includes('requests in')).join('\n');
    assert.throws(() => parseWrkOutput(truncated), /no "N requests in T" line/);
  });

  it('adds up the socket errors of every kind', () => {
    assert.equal(socketErrorCount({ connect: 1, read: 1071, write: 2, timeout: 3 }), 1077);
  });
});
