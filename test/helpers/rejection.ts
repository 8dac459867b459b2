/** Awaiting the error a promise must reject with, for tests of user-facing failures. */
import assert from 'node:assert/strict';
import { OverloadError } from '../../harness/errors.ts';

/** Awaits `promise` and returns the OverloadError it must reject with; fails the test otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<OverloadError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OverloadError, `expected an OverloadError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

/** Calls `fn` and returns the OverloadError it must throw; fails the test otherwise. */
export function thrown(fn: () => unknown): OverloadError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof OverloadError, `expected an OverloadError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an OverloadError');
}
