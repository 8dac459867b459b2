import { strictEqual } from 'node:assert/strict';
import type { UpstreamFailure } from '../../fixtures/gateway/failure.ts';
import { shouldRetry } from '../../fixtures/gateway/retry.ts';

/** A reset while waiting for the response header (the classifier tests' base case). */
const BASE: UpstreamFailure = { code: 'ECONNRESET', phase: 'reading_header', reused: false, idleMs: null, keepAliveHintMs: 5000, roundTripMs: 0.1 };

describe('shouldRetry (the nginx-style retry)', () => {
  const reusedReset: UpstreamFailure = { ...BASE, reused: true, idleMs: 10 };
  const base = { failure: reusedReset, method: 'GET', streamedBody: false, retriesDone: 0, retries: 1 };
  const cases: { name: string; change: Partial<typeof base>; retry: boolean }[] = [
    { name: 'retries a GET reset on a reused connection once', change: {}, retry: true },
    { name: 'retries a premature close on a reused connection', change: { failure: { ...reusedReset, code: 'UND_ERR_SOCKET' } }, retry: true },
    { name: 'retries a PUT, which nginx does not count as non-idempotent', change: { method: 'PUT' }, retry: true },
    { name: 'retries a DELETE, whatever the case of the method', change: { method: 'delete' }, retry: true },
    { name: 'does not retry with retries: 0', change: { retries: 0 }, retry: false },
    { name: 'does not retry twice', change: { retriesDone: 1 }, retry: false },
    { name: 'does not retry on a fresh connection (no peer.cached bonus)', change: { failure: { ...reusedReset, reused: false, idleMs: null } }, retry: false },
    { name: 'does not retry a POST', change: { method: 'POST' }, retry: false },
    { name: 'does not retry a PATCH', change: { method: 'PATCH' }, retry: false },
    { name: 'does not retry a LOCK', change: { method: 'LOCK' }, retry: false },
    { name: 'does not retry a streamed request body', change: { method: 'PUT', streamedBody: true }, retry: false },
    { name: 'does not retry a timeout', change: { failure: { ...reusedReset, code: 'UND_ERR_HEADERS_TIMEOUT' } }, retry: false },
    { name: 'does not retry an invalid header', change: { failure: { ...reusedReset, code: 'UND_ERR_HEADERS_OVERFLOW' } }, retry: false },
    { name: 'does not retry once the response header reached the client', change: { failure: { ...reusedReset, phase: 'streaming_body' } }, retry: false },
  ];
  for (const { name, change, retry } of cases) {
    it(name, () => strictEqual(shouldRetry({ ...base, ...change }), retry));
  }
});
