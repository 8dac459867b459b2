import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectFormat } from '../../harness/logs/detect.ts';
import { formatLogTime, LogTally, renderLogExplanation, UNKNOWN_SAMPLES } from '../../harness/logs/explain-log.ts';
import { LOG_PARSERS } from '../../harness/logs/parsers.ts';

/** The lines of a real log in test/fixtures/logs/. */
function logLines(name: string): string[] {
  return readFileSync(fileURLToPath(new URL(`../fixtures/logs/${name}`, import.meta.url)), 'utf8').split('\n');
}

function tally(format: 'nginx' | 'haproxy', lines: readonly string[], windowMs = 60_000): ReturnType<LogTally['result']> {
  const t = new LogTally(LOG_PARSERS[format], windowMs);
  for (const line of lines) t.add(line);
  return t.result();
}

describe('explaining a gateway log', () => {
  const nginx = logLines('nginx-1.22-error.log');
  const haproxy = logLines('haproxy-2.6-http.log');

  it('detects each real log’s format from its lines, and neither from prose', () => {
    const parsers = Object.values(LOG_PARSERS);
    assert.equal(detectFormat(nginx, parsers), 'nginx');
    assert.equal(detectFormat(haproxy, parsers), 'haproxy');
    assert.equal(detectFormat(['hello', 'this is not a log', ''], parsers), null);
    assert.equal(detectFormat([], parsers), null);
  });

  it('adds up every line of the real nginx log once: failures by cause, other lines, nothing unknown', () => {
    const result = tally('nginx', nginx);
    assert.equal(result.lines, nginx.filter((line) => line.trim() !== '').length);
    assert.equal(result.failures + result.other + result.unknown, result.lines);
    assert.equal(result.unknown, 0);
    const sum = Object.values(result.causes).reduce((a, b) => a + b, 0);
    assert.equal(sum, result.failures);
    // Every window's failures add up to the timed ones.
    const windowed = result.windows.reduce((n, w) => n + Object.values(w.causes).reduce((a, b) => a + b, 0), 0);
    assert.equal(windowed + result.untimed, result.failures);
    assert.ok(result.causes.upstream_refused !== undefined && result.causes.upstream_reset !== undefined && result.causes.upstream_timeout !== undefined);
  });

  it('keeps HAProxy’s statuses per window: 503 for refused, 502 for a premature close, 504 for a timeout', () => {
    const result = tally('haproxy', haproxy, 3_600_000);
    const statuses: Record<string, number> = {};
    for (const window of result.windows) for (const [status, n] of Object.entries(window.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    assert.ok((statuses['503'] ?? 0) > 0 && (statuses['502'] ?? 0) > 0 && (statuses['504'] ?? 0) > 0, JSON.stringify(statuses));
    assert.equal(result.unknown, 0);
  });

  it('counts the lines it does not know and keeps the first few as they were written', () => {
    const junk = Array.from({ length: 8 }, (_, i) => `garbage line ${i}`);
    const result = tally('nginx', [...nginx.slice(0, 3), ...junk]);
    assert.equal(result.unknown, 8);
    assert.deepEqual(result.unknownSamples, junk.slice(0, UNKNOWN_SAMPLES));
    assert.match(renderLogExplanation(result), /8 lines were not understood; the first 5:\n {2}garbage line 0\n/);
  });

  it('puts failures into windows of the given length, by the log’s own clock', () => {
    const lines = [
      '2026/11/26 10:00:05 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "x"',
      '2026/11/26 10:00:35 [error] 1#1: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "x"',
      '2026/11/26 10:01:10 [error] 1#1: *3 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "x"',
    ];
    const perMinute = tally('nginx', lines, 60_000);
    assert.deepEqual(perMinute.windows.map((w) => [formatLogTime(w.start), w.causes]), [
      ['2026-11-26 10:00:00', { upstream_refused: 2 }],
      ['2026-11-26 10:01:00', { upstream_reset: 1 }],
    ]);
    assert.equal(tally('nginx', lines, 30_000).windows.length, 3);
    assert.equal(formatLogTime(perMinute.first ?? 0), '2026-11-26 10:00:05');
    assert.equal(formatLogTime(perMinute.last ?? 0), '2026-11-26 10:01:10');
  });

  it('tells each cause’s likely reason and first check, the busiest windows, and that nginx logs attempts', () => {
    const text = renderLogExplanation(tally('nginx', nginx));
    assert.match(text, /^nginx log: 47 lines, \d+ failed upstream attempts, \d+ other, 0 not understood\n/);
    assert.match(text, /nginx logs each failed attempt/);
    assert.match(text, /- upstream_refused: \d+ \([\d.]+ %\), e\.g\. "connect\(\) failed \(111: Connection refused\) while connecting to upstream"\n {2}most likely the upstream was down/);
    assert.match(text, /check: whether the upstream process was up and listening/);
    assert.match(text, /Per 1 min window:\n {2}2026-11-26 \d\d:\d\d:00 {2}\d+: /);
  });

  it('says so when a log has no failure at all', () => {
    const text = renderLogExplanation(tally('nginx', ['2026/11/26 10:00:00 [notice] 1#1: signal process started']));
    assert.match(text, /No failed upstream attempt in this log/);
  });

  it('refuses a window that is not a whole number of ms above 0', () => {
    assert.throws(() => new LogTally(LOG_PARSERS.nginx, 0), /windowMs must be a whole number of ms above 0 \(got 0\)/);
  });
});
