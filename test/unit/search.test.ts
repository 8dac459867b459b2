import assert from 'node:assert/strict';
import { formatLoad, searchOnset, type SearchOptions, type SearchStep } from '../../harness/load/search.ts';
import { OverloadError } from '../../harness/errors.ts';

interface FakeStep extends SearchStep {
  call: number;
}

/** A fake `measure` from a verdict per offered load and call number; it records the path. */
function fake(verdict: (offered: number, call: number) => boolean | { invalid: string }) {
  const path: number[] = [];
  const measure = (offered: number): Promise<FakeStep> => {
    path.push(offered);
    const result = verdict(offered, path.length);
    const step: FakeStep =
      typeof result === 'boolean'
        ? { offered, passed: result, valid: true, invalidReason: null, call: path.length }
        : { offered, passed: false, valid: false, invalidReason: result.invalid, call: path.length };
    return Promise.resolve(step);
  };
  return { measure, path };
}

/** Every load at or above `threshold` fails. */
const threshold = (t: number) => (offered: number) => offered < t;

const closed: SearchOptions = { start: 1, precision: 0.02, maxSteps: 30, max: 1024, unit: 'connections' };
const open: SearchOptions = { start: 10, precision: 0.02, maxSteps: 30, max: 50_000, unit: 'rps' };

describe('the onset search', () => {
  it('finds 21 connections along the documented path', async () => {
    const { measure, path } = fake(threshold(21));
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 24, 20, 22, 21]);
    assert.deepEqual(outcome.onset, { value: 21, low: 20, high: 21 });
    assert.equal(outcome.reason, 'found');
    assert.equal(outcome.note, '20 connections passed and 21 connections failed: the onset is 21 connections (adjacent counts, 10 steps).');
    assert.deepEqual(outcome.steps.map((step) => step.offered), path);
  });

  it('stops the closed-model bisection at adjacent connection counts', async () => {
    const { measure, path } = fake(threshold(17));
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 24, 20, 18, 17]);
    assert.deepEqual(outcome.onset, { value: 17, low: 16, high: 17 });
  });

  it('never probes above max, and the last probe is exactly max', async () => {
    const { measure, path } = fake(threshold(90));
    const outcome = await searchOnset(measure, { ...closed, max: 100 });
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 64, 100, 82, 91, 86, 88, 89, 90]);
    assert.deepEqual(outcome.onset, { value: 90, low: 89, high: 90 });
  });

  it('reports no failure up to max when every step passes', async () => {
    const { measure, path } = fake(() => true);
    const outcome = await searchOnset(measure, { ...closed, max: 100 });
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 64, 100]);
    assert.equal(outcome.onset, null);
    assert.equal(outcome.reason, 'no-failure-up-to-max');
    assert.deepEqual(outcome.bracket, { low: 100, high: null });
    assert.equal(outcome.note, 'No step failed up to 100 connections, the cap (caps.maxConnections): the onset, if there is one, is above it.');
  });

  it('takes 1 connection as the onset when the first step at 1 fails (0 passes by definition)', async () => {
    const { measure, path } = fake(() => false);
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1]);
    assert.deepEqual(outcome.onset, { value: 1, low: 0, high: 1 });
    assert.equal(outcome.reason, 'fails-at-start');
    assert.equal(outcome.note, 'Every step failed, down to 1 connection: the onset is 1 connection (0 connections passes by definition; nothing lower can be measured).');
  });

  it('bisects down between 0 and a failing start above 1', async () => {
    const { measure, path } = fake(threshold(5));
    const outcome = await searchOnset(measure, { ...closed, start: 8 });
    assert.deepEqual(path, [8, 4, 6, 5]);
    assert.deepEqual(outcome.onset, { value: 5, low: 4, high: 5 });
    assert.equal(outcome.reason, 'found');
    assert.equal(outcome.note, 'The first step (8 connections) already failed, so the search bisected down from it. 4 connections passed and 5 connections failed: the onset is 5 connections (adjacent counts, 4 steps).');
  });

  it('ends at 1 connection when every step below a failing start fails too', async () => {
    const { measure, path } = fake(() => false);
    const outcome = await searchOnset(measure, { ...closed, start: 8 });
    assert.deepEqual(path, [8, 4, 2, 1]);
    assert.deepEqual(outcome.onset, { value: 1, low: 0, high: 1 });
    assert.equal(outcome.reason, 'fails-at-start');
  });

  it('bisects the open model to the relative precision', async () => {
    const { measure, path } = fake(threshold(400));
    const outcome = await searchOnset(measure, open);
    assert.deepEqual(path, [10, 20, 40, 80, 160, 320, 640, 480, 400, 360, 380, 390, 395]);
    assert.deepEqual(outcome.onset, { value: 400, low: 395, high: 400 });
    assert.equal(outcome.note, '395 req/s passed and 400 req/s failed: the onset is 400 req/s (within 2 %, 13 steps).');
  });

  it('stops the open model at once when its first step fails', async () => {
    const { measure, path } = fake(() => false);
    const outcome = await searchOnset(measure, open);
    assert.deepEqual(path, [10]);
    assert.deepEqual(outcome.onset, { value: 10, low: 0, high: 10 });
    assert.equal(outcome.reason, 'fails-at-start');
    assert.equal(outcome.note, 'The first step (10 req/s) already failed and nothing lower was measured: the onset is at most 10 req/s; lower search.start to locate it.');
  });

  it('survives a spurious failure below the true onset: the answer moves, the search does not break', async () => {
    const { measure, path } = fake((offered) => offered !== 16 && offered < 21);
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1, 2, 4, 8, 16, 12, 14, 15]);
    assert.deepEqual(outcome.onset, { value: 16, low: 15, high: 16 });
  });

  it('survives a spurious pass above the true onset: the interval only narrows', async () => {
    const { measure, path } = fake((offered) => offered === 24 || offered < 21);
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 24, 28, 26, 25]);
    assert.deepEqual(outcome.onset, { value: 25, low: 24, high: 25 });
  });

  it('measures an invalid step again instead of judging it', async () => {
    const { measure, path } = fake((offered, call) => (offered === 32 && call === 6 ? { invalid: 'cpu' } : offered < 21));
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 32, 24, 20, 22, 21]);
    assert.deepEqual(outcome.onset, { value: 21, low: 20, high: 21 });
    assert.equal(outcome.steps[5]?.valid, false);
  });

  it('stops with invalid-steps after retriesForInvalid re-measurements', async () => {
    const { measure, path } = fake((offered) => (offered === 32 ? { invalid: 'the load generator was the bottleneck' } : true));
    const outcome = await searchOnset(measure, closed);
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 32, 32]);
    assert.equal(outcome.onset, null);
    assert.equal(outcome.reason, 'invalid-steps');
    assert.deepEqual(outcome.bracket, { low: 16, high: null });
    assert.equal(outcome.note, 'The step at 32 connections was invalid 3 times in a row (the load generator was the bottleneck), so the search stopped with no failure up to 16 connections.');
  });

  it('honours retriesForInvalid: 0 (one attempt only)', async () => {
    const { measure, path } = fake((offered) => (offered === 4 ? { invalid: 'x' } : true));
    const outcome = await searchOnset(measure, { ...closed, retriesForInvalid: 0 });
    assert.deepEqual(path, [1, 2, 4]);
    assert.equal(outcome.reason, 'invalid-steps');
  });

  it('stops after maxSteps measurements with the bracket so far', async () => {
    const { measure, path } = fake(threshold(21));
    const outcome = await searchOnset(measure, { ...closed, maxSteps: 7 });
    assert.deepEqual(path, [1, 2, 4, 8, 16, 32, 24]);
    assert.equal(outcome.onset, null);
    assert.equal(outcome.reason, 'max-steps');
    assert.deepEqual(outcome.bracket, { low: 16, high: 24 });
    assert.equal(outcome.note, 'The search stopped after 7 steps (search.maxSteps) with the onset between 16 connections and 24 connections; raise search.maxSteps to narrow it.');
  });

  it('counts re-measurements of invalid steps against maxSteps', async () => {
    const { measure, path } = fake((offered, call) => (call <= 2 ? { invalid: 'x' } : offered < 21));
    const outcome = await searchOnset(measure, { ...closed, maxSteps: 3 });
    assert.deepEqual(path, [1, 1, 1]);
    assert.equal(outcome.reason, 'max-steps');
  });

  it('stops between steps when aborted, keeping the steps measured so far', async () => {
    const controller = new AbortController();
    const { measure, path } = fake((offered) => {
      if (offered === 8) controller.abort();
      return offered < 21;
    });
    const outcome = await searchOnset(measure, { ...closed, signal: controller.signal });
    assert.deepEqual(path, [1, 2, 4, 8]);
    assert.equal(outcome.steps.length, 4);
    assert.equal(outcome.reason, 'aborted');
    assert.equal(outcome.onset, null);
    // The step cut short by the abort is kept but not judged.
    assert.deepEqual(outcome.bracket, { low: 4, high: null });
    assert.equal(outcome.note, 'The search was interrupted after 4 steps, with no failure up to 4 connections.');
  });

  it('measures nothing when aborted before it starts', async () => {
    const { measure, path } = fake(() => true);
    const outcome = await searchOnset(measure, { ...closed, signal: AbortSignal.abort() });
    assert.deepEqual(path, []);
    assert.equal(outcome.reason, 'aborted');
  });

  it('refuses bad options with every problem, path and fix', async () => {
    await assert.rejects(
      searchOnset(fake(() => true).measure, { ...closed, start: 1.5, precision: 0, maxSteps: 0 }),
      (error: unknown) => error instanceof OverloadError && error.problems.map((p) => p.path).join() === 'search.start,search.precision,search.maxSteps',
    );
    await assert.rejects(
      searchOnset(fake(() => true).measure, { ...closed, start: 64, max: 32 }),
      (error: unknown) => error instanceof OverloadError && error.problems[0]?.message === 'the search starts above the cap (caps.maxConnections = 32)',
    );
  });
});

describe('formatLoad', () => {
  it('names the unit, singular and plural, with thousands separators', () => {
    assert.equal(formatLoad(1, 'connections'), '1 connection');
    assert.equal(formatLoad(1024, 'connections'), '1,024 connections');
    assert.equal(formatLoad(402.5, 'rps'), '402.5 req/s');
  });
});
