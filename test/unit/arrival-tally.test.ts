import assert from 'node:assert/strict';
import { ArrivalTally, LATE_THRESHOLD_MS, type ArrivalRef } from '../../harness/load/arrival-tally.ts';

/** A tally whose window opens at 300 ms, with sinks that keep what they get. */
function setup(windowStartMs = 300) {
  const sinks = { ok: [] as number[], failed: [] as number[], fromIntended: [] as number[], sendLag: [] as number[], dispatchLag: [] as number[] };
  const keep = (into: number[]) => ({ record: (ms: number) => void into.push(ms) });
  const tally = new ArrivalTally(
    { ok: keep(sinks.ok), failed: keep(sinks.failed), fromIntended: keep(sinks.fromIntended), sendLag: keep(sinks.sendLag), dispatchLag: keep(sinks.dispatchLag) },
    windowStartMs,
  );
  return { tally, sinks };
}

const judged = (plannedMs: number): ArrivalRef => ({ plannedMs, judged: true });
const warmup = (plannedMs: number): ArrivalRef => ({ plannedMs, judged: false });

/** Dispatches an arrival on time and writes it at `writtenMs`. */
function send(tally: ArrivalTally, arrival: ArrivalRef, writtenMs: number): ArrivalRef {
  tally.onDispatch(arrival, arrival.plannedMs);
  tally.onWrite(arrival, writtenMs, true);
  return arrival;
}

describe('the open-loop arrival tally', () => {
  it('times an answer from the actual send and, apart, from the planned time', () => {
    const { tally, sinks } = setup();
    const a = send(tally, judged(400), 401.5);
    tally.onAnswer(a, 401.5, 411.5, 200, 'unmarked');
    assert.deepEqual(sinks.ok, [10]);
    assert.deepEqual(sinks.fromIntended, [11.5]);
    assert.deepEqual(sinks.sendLag, [1.5]);
  });

  it('judges only the window’s arrivals: warm-up ones are sent and answered but counted nowhere else', () => {
    const { tally, sinks } = setup();
    const w = send(tally, warmup(100), 100);
    tally.onAnswer(w, 100, 110, 502, 'gateway');
    const result = tally.result();
    assert.deepEqual([result.sent, result.completed, result.late], [0, 0, 0]);
    assert.deepEqual(result.status, {});
    assert.deepEqual([sinks.ok, sinks.failed, sinks.fromIntended, sinks.sendLag], [[], [], [], []]);
  });

  it('counts answers in the window by when they came, whichever phase sent them', () => {
    const { tally } = setup();
    const early = send(tally, warmup(290), 290);
    const last = send(tally, judged(1290), 1290);
    tally.onAnswer(early, 290, 305, 200, 'unmarked'); // a warm-up arrival answered inside the window
    tally.closeWindow();
    tally.onAnswer(last, 1290, 1310, 200, 'unmarked'); // a judged arrival answered in the tail
    const result = tally.result();
    assert.deepEqual(result.window, { completed: 1, ok: 1 });
    assert.equal(result.completed, 1);
  });

  it('counts the window’s sends by the time they were written, not by plan', () => {
    const { tally } = setup();
    send(tally, warmup(299), 300.2); // planned in the warm-up, written in the window
    send(tally, judged(300), 300.3);
    const slipped = judged(1299);
    tally.onDispatch(slipped, 1299);
    tally.closeWindow();
    tally.onWrite(slipped, 1300.4, true); // planned in the window, written after it
    assert.equal(tally.result().sentInWindow, 2);
    assert.equal(tally.result().sent, 2);
  });

  it(`counts an arrival written more than ${LATE_THRESHOLD_MS} ms after its planned time as late`, () => {
    const { tally, sinks } = setup(0);
    send(tally, judged(0), LATE_THRESHOLD_MS);
    send(tally, judged(20), 20 + LATE_THRESHOLD_MS + 0.001);
    assert.equal(tally.result().late, 1);
    assert.equal(sinks.sendLag.length, 2);
  });

  it('tells the send loop’s own lag from the wait for a free connection', () => {
    const { tally, sinks } = setup(0);
    const a = judged(100);
    tally.onDispatch(a, 100.5);
    tally.onWrite(a, 140, true); // every connection was busy for 39.5 ms
    assert.deepEqual(sinks.dispatchLag, [0.5]);
    assert.deepEqual(sinks.sendLag, [40]);
    assert.equal(tally.result().late, 1);
  });

  it('takes only the first write as the send when undici writes a request again on a new connection', () => {
    const { tally, sinks } = setup(0);
    const a = send(tally, judged(0), 1);
    tally.onWrite(a, 40, false);
    tally.onAnswer(a, 40, 45, 200, 'unmarked');
    assert.deepEqual(sinks.sendLag, [1]);
    assert.deepEqual(sinks.ok, [5], 'latency from the write that got the answer');
    assert.equal(tally.result().late, 0);
  });

  it('counts errors by code, and a request refused before it was written as neither late nor unfinished', () => {
    const { tally } = setup(0);
    const reset = send(tally, judged(0), 0.2);
    tally.onError(reset, 'ECONNRESET', true);
    const refused = judged(5);
    tally.onDispatch(refused, 5);
    tally.onError(refused, 'ECONNREFUSED', false);
    const result = tally.result();
    assert.deepEqual(result.errors, { ECONNRESET: 1, ECONNREFUSED: 1 });
    assert.deepEqual([result.errored, result.late, result.unfinished], [2, 0, 0]);
  });

  it('counts gateway-generated answers by status, apart from the upstream’s own', () => {
    const { tally, sinks } = setup(0);
    tally.onAnswer(send(tally, judged(0), 0), 0, 3, 502, 'gateway');
    tally.onAnswer(send(tally, judged(1), 1), 1, 4, 503, 'unmarked');
    tally.onAnswer(send(tally, judged(2), 2), 2, 5, 204, 'unmarked');
    const result = tally.result();
    assert.deepEqual(result.status, { '502': 1, '503': 1, '204': 1 });
    assert.deepEqual(result.gatewayGenerated, { '502': 1 });
    assert.deepEqual(result.window, { completed: 3, ok: 1 });
    assert.deepEqual([sinks.ok.length, sinks.failed.length, sinks.fromIntended.length], [1, 2, 3]);
  });

  it('on cut-off keeps what is in flight as unfinished, counts the never-written as late too, and ignores later events', () => {
    const { tally } = setup(0);
    const answered = send(tally, judged(0), 0);
    tally.onAnswer(answered, 0, 2, 200, 'unmarked');
    const hung = send(tally, judged(10), 10);
    const queued = judged(20);
    tally.onDispatch(queued, 20); // waiting in undici's queue for a free connection
    tally.cutOff();
    tally.onError(hung, 'UND_ERR_DESTROYED', true); // the pool is destroyed after the cut-off
    tally.onError(queued, 'UND_ERR_DESTROYED', false);
    const result = tally.result();
    assert.deepEqual([result.sent, result.completed, result.errored, result.unfinished, result.late], [3, 1, 0, 2, 1]);
    assert.deepEqual(result.errors, {});
  });

  it('keeps sent = completed + errored + lost + unfinished through any mix of outcomes', () => {
    const { tally } = setup(0);
    const outcomes = ['answer', 'error', 'hang', 'answer', 'unwritten', 'error'] as const;
    outcomes.forEach((outcome, i) => {
      const a = judged(i);
      tally.onDispatch(a, i);
      if (outcome === 'unwritten') return;
      tally.onWrite(a, i + 0.5, true);
      if (outcome === 'answer') tally.onAnswer(a, i + 0.5, i + 2, 200, 'unmarked');
      if (outcome === 'error') tally.onError(a, 'UND_ERR_SOCKET', true);
    });
    const result = tally.result();
    assert.equal(result.sent, result.completed + result.errored + result.lost + result.unfinished);
    assert.deepEqual([result.sent, result.completed, result.errored, result.lost, result.unfinished, result.late], [6, 2, 2, 0, 2, 1]);
    assert.equal(tally.inFlight, 2);
  });
});
