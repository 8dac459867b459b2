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
 */
import { performance } from 'node:perf_hooks';
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import { LatencyRecorder } from '../stats/histogram.ts';
import { ClientTally } from './client-tally.ts';
import { startGeneratorMonitor } from './generator-monitor.ts';
import type { Driver, StepObservation, StepRequest } from './driver.ts';

/** What autocannon's http-parser-js passes with the `headers` event (compat mode: one object). */
interface ParsedHeaders {
  statusCode?: number;
  headers?: string[];
}

/**
 * autocannon stops only on its 1 s tick (lib/run.js tickInterval), so a step's length is a
 * whole number of seconds; shorter values are rounded up.
 */
export function autocannonDurationSeconds(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs / 1000));
}

/** The closed-loop driver. */
export function createClosedDriver(): Driver {
  return { model: 'closed', runStep };
}

async function runStep(request: StepRequest): Promise<StepObservation> {
  const ok = new LatencyRecorder();
  const failed = new LatencyRecorder();
  const tally = new ClientTally({ ok, failed }, () => performance.now());
  const monitor = startGeneratorMonitor();
  const startedAt = performance.now();

  // autocannon.Client is an EventEmitter; its typings list only some of the events we use.
  const setupClient = (client: EventEmitter): void => {
    const id = tally.addConnection();
    client.on('request', () => tally.onRequest(id));
    client.on('headers', (info: ParsedHeaders) => tally.onHeaders(id, info.headers));
    client.on('response', (statusCode: number) => tally.onResponse(id, statusCode));
    client.on('connError', (error: NodeJS.ErrnoException) => tally.onError(id, error.code ?? 'UNKNOWN'));
    client.on('timeout', () => tally.onTimeout(id));
  };

  const options: autocannon.Options = {
    url: new URL(request.path, request.url).toString(),
    connections: request.offered,
    duration: autocannonDurationSeconds(request.durationMs),
    method: request.method,
    ...(request.body === undefined ? {} : { body: request.body }),
    pipelining: 1,
    timeout: Math.ceil(request.clientTimeoutMs / 1000),
    setupClient,
  };
  let instance: autocannon.Instance | undefined;
  const onAbort = (): void => instance?.stop();
  try {
    await new Promise<void>((resolve, reject) => {
      // The callback form returns the instance (an EventEmitter with `stop()`); the promise
      // form's type hides it.
      instance = autocannon(options, (error: unknown) => {
        if (error instanceof Error) reject(error);
        else if (error) reject(new Error(`autocannon failed: ${JSON.stringify(error)}`));
        else resolve();
      });
      if (request.signal?.aborted) instance.stop();
      else request.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
  }

  const durationMs = performance.now() - startedAt;
  const generator = monitor.stop();
  const totals = tally.result();
  const observation: StepObservation = {
    durationMs: Math.round(durationMs),
    ...totals,
    late: 0,
    latencyMs: { ok: ok.summary(), failed: failed.summary() },
    generator,
  };
  ok.destroy();
  failed.destroy();
  return observation;
}
