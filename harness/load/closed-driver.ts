/**
 * Closed-loop load on autocannon (DESIGN.md §3): N connections, each sending its next request
 * as soon as the previous one is answered. One autocannon instance per step, and every
 * measured pitfall of autocannon 8/9 worked around:
 * - no `overallRate`, `connectionRate` or `workers` (bursty "rates"; workers drop events);
 * - latencies from our own clock per connection, as floats (its histogram floors to whole ms
 *   and matches stale start times after a reset);
 * - error codes from each client's `connError`, and connections closed with no response counted
 *   as `lost` ({@link ClientTally});
 * - its timeout set above the gateway's, so the gateway's 504s reach us;
 * - goodput (2xx/s) kept apart from throughput (its req/s counts fast 502s).
 * One pitfall stays: autocannon keeps a connection's HTTP parser across reconnects
 * (lib/httpClient.js), so after a FIN in the middle of a body (`upstream_truncated`) the next
 * response on that connection may be mis-parsed. Steps with truncations count those carefully
 * only through the gateway's own cause counters.
 *
 * A step has a window and a tail. In the window every connection keeps one request in flight.
 * When it ends, no connection sends again, and the step waits until each request still in flight
 * is answered or fails: autocannon would otherwise destroy them, and a hung upstream's 504s,
 * which come only after the gateway's timeout, would never be seen. The tail ends when every
 * connection is done, or after the client's own timeout (plus a second), whichever is first.
 */
import { performance } from 'node:perf_hooks';
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { LatencyRecorder } from '../stats/histogram.ts';
import { ClientTally } from './client-tally.ts';
import { startGeneratorMonitor } from './generator-monitor.ts';
import type { Driver, StepObservation, StepRequest } from './driver.ts';
import { requestUrl } from './request-url.ts';
import { keepRequestGarbageYoung } from './young-garbage.ts';

/** What autocannon's http-parser-js passes with the `headers` event (compat mode: one object). */
interface ParsedHeaders {
  statusCode?: number;
  headers?: string[];
}

/**
 * The parts of autocannon's client (lib/httpClient.js) the driver steers: `_doRequest` destroys
 * a client once `reqsMade >= responseMax`, which is how the window closes without cutting off
 * requests in flight. Its typings list only some of the events and none of these fields.
 */
interface AutocannonClient extends EventEmitter {
  reqsMade: number;
  responseMax: number | undefined;
  destroyed: boolean;
  destroy(): void;
}

/** Slack over the client timeout before the tail gives up on a connection. */
const TAIL_SLACK_MS = 1000;

/** The closed-loop driver. */
export function createClosedDriver(): Driver {
  keepRequestGarbageYoung();
  return { model: 'closed', runStep };
}

async function runStep(request: StepRequest): Promise<StepObservation> {
  const ok = new LatencyRecorder();
  const failed = new LatencyRecorder();
  const tally = new ClientTally({ ok, failed }, () => performance.now(), request.outcomes);
  const clients: AutocannonClient[] = [];
  const monitor = startGeneratorMonitor();
  const startedAt = performance.now();
  let windowEndedAt: number | null = null;
  let running = 0;
  let startError: Error | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const setupClient = (client: AutocannonClient): void => {
    const id = tally.addConnection();
    clients.push(client);
    running++;
    client.on('request', () => tally.onRequest(id));
    client.on('headers', (info: ParsedHeaders) => tally.onHeaders(id, info.headers));
    client.on('response', (statusCode: number) => tally.onResponse(id, statusCode));
    client.on('connError', (error: NodeJS.ErrnoException) => tally.onError(id, error.code ?? 'UNKNOWN'));
    client.on('timeout', () => tally.onTimeout(id));
    client.on('done', () => {
      tally.onDone(id);
      if (--running === 0 && windowEndedAt !== null) finish();
    });
  };

  // autocannon ends a run only on its 1 s tick; the window and tail are timed here instead, so
  // its own duration only has to outlast them.
  const tailLimitMs = request.clientTimeoutMs + TAIL_SLACK_MS;
  const instance = autocannon(
    {
      url: requestUrl(request.url, request.path).toString(),
      connections: request.offered,
      duration: Math.ceil((request.durationMs + tailLimitMs) / 1000) + 1,
      method: request.method,
      ...(request.body === undefined ? {} : { body: request.body }),
      // A pinned target's Host: autocannon's own is the URL's, which is the IP literal.
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      // An https target's name for SNI (autocannon sends none to an IP literal). Its client never
      // checks the certificate (lib/httpClient.js forces rejectUnauthorized: false), which is why
      // the run checked it once before any load (safety/tls-check.ts).
      ...(typeof request.tls?.servername === 'string' ? { servername: request.tls.servername } : {}),
      pipelining: 1,
      timeout: Math.ceil(request.clientTimeoutMs / 1000),
      setupClient: setupClient as unknown as (client: autocannon.Client) => void,
    },
    // Errors of a started run reach the clients' events; only a run that could not start (bad
    // options) reports here, and then no client exists.
    (error: unknown) => {
      if (error && clients.length === 0) {
        startError = error instanceof Error ? error : new Error(`autocannon could not start: ${JSON.stringify(error)}`);
        finish();
      }
    },
  );

  const closeWindow = (): void => {
    if (windowEndedAt !== null) return;
    windowEndedAt = performance.now();
    tally.closeWindow();
    for (const client of clients) client.responseMax = client.reqsMade;
    if (running === 0) finish();
  };
  const cutOff = (): void => {
    closeWindow();
    clients.forEach((client, id) => {
      if (client.destroyed) return;
      tally.onCutOff(id);
      client.destroy();
    });
    finish();
  };
  const windowTimer = setTimeout(closeWindow, request.durationMs);
  const tailTimer = setTimeout(cutOff, request.durationMs + tailLimitMs);
  request.signal?.addEventListener('abort', cutOff, { once: true });
  if (request.signal?.aborted) cutOff();
  await finished;
  clearTimeout(windowTimer);
  clearTimeout(tailTimer);
  request.signal?.removeEventListener('abort', cutOff);
  if (startError !== undefined) {
    monitor.stop();
    throw startError;
  }
  // Every client is done; this only stops autocannon's own timers (it ends at its next tick).
  instance.stop();

  const endedAt = performance.now();
  const windowEnd = windowEndedAt ?? endedAt;
  const generator = monitor.stop();
  const observation: StepObservation = {
    durationMs: Math.round(windowEnd - startedAt),
    tailMs: Math.round(endedAt - windowEnd),
    ...tally.result(),
    late: 0,
    latencyMs: { ok: ok.summary(), failed: failed.summary(), fromIntended: null },
    generator,
  };
  ok.destroy();
  failed.destroy();
  return observation;
}
