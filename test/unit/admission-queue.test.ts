import { deepStrictEqual, strictEqual, throws } from 'node:assert/strict';
import { AdmissionQueue, type AdmissionTicket } from '../../fixtures/gateway/admission-queue.ts';

/** A queue whose starts are recorded by name, in order, with the tickets kept by name. */
function recorder(concurrency: number, queueLimit: number) {
  const queue = new AdmissionQueue({ concurrency, queueLimit });
  const started: string[] = [];
  const tickets = new Map<string, AdmissionTicket>();
  const enter = (name: string, onStart?: (ticket: AdmissionTicket) => void): AdmissionTicket => {
    const ticket = queue.enter((granted) => {
      started.push(name);
      onStart?.(granted);
    });
    tickets.set(name, ticket);
    return ticket;
  };
  const leave = (name: string): void => tickets.get(name)?.leave();
  const counters = (): [number, number] => [queue.inFlight, queue.queued];
  return { queue, started, enter, leave, counters };
}

describe('AdmissionQueue', () => {
  it('runs up to concurrency, queues up to queueLimit, and refuses the next one at once', () => {
    const q = recorder(2, 1);
    deepStrictEqual(['A', 'B', 'C', 'D'].map((name) => q.enter(name).state), ['running', 'running', 'waiting', 'refused']);
    deepStrictEqual(q.started, ['A', 'B']);
    deepStrictEqual(q.counters(), [2, 1]);
  });

  it('starts a free request before enter returns, so the caller can rely on it', () => {
    const q = recorder(1, 0);
    let startedInside = false;
    const ticket = q.queue.enter(() => (startedInside = true));
    strictEqual(startedInside, true);
    strictEqual(ticket.state, 'running');
  });

  it('hands a freed slot to the oldest waiter (FIFO)', () => {
    const q = recorder(1, 3);
    for (const name of ['A', 'B', 'C', 'D']) q.enter(name);
    q.leave('A');
    deepStrictEqual(q.started, ['A', 'B']);
    q.leave('B');
    q.leave('C');
    deepStrictEqual(q.started, ['A', 'B', 'C', 'D']);
    deepStrictEqual(q.counters(), [1, 0]);
  });

  it('removes a waiting request whose client went away, and never starts it', () => {
    const q = recorder(1, 3);
    for (const name of ['A', 'B', 'C', 'D']) q.enter(name);
    q.leave('C');
    deepStrictEqual(q.counters(), [1, 2]);
    q.leave('A');
    q.leave('B');
    deepStrictEqual(q.started, ['A', 'B', 'D']);
  });

  it('frees a place in the queue when a waiter leaves, so the next arrival waits instead of being refused', () => {
    const q = recorder(1, 1);
    q.enter('A');
    q.enter('B');
    strictEqual(q.enter('C').state, 'refused');
    q.leave('B');
    strictEqual(q.enter('D').state, 'waiting');
  });

  it('ignores a second leave, and a leave of a refused ticket', () => {
    const q = recorder(1, 1);
    q.enter('A');
    q.enter('B');
    q.enter('C'); // refused
    q.leave('C');
    deepStrictEqual(q.counters(), [1, 1]);
    q.leave('A');
    q.leave('A');
    deepStrictEqual(q.counters(), [1, 0]);
    deepStrictEqual(q.started, ['A', 'B']);
  });

  it('hands out each slot once when a started request leaves synchronously (its dispatch failed at once)', () => {
    const q = recorder(1, 3);
    q.enter('A');
    q.enter('B', (ticket) => ticket.leave());
    q.enter('C');
    q.enter('D');
    q.leave('A');
    deepStrictEqual(q.started, ['A', 'B', 'C']);
    deepStrictEqual(q.counters(), [1, 1]);
  });

  it('refuses everything beyond the running ones with queueLimit 0', () => {
    const q = recorder(2, 0);
    deepStrictEqual(['A', 'B', 'C'].map((name) => q.enter(name).state), ['running', 'running', 'refused']);
  });

  it('reports the peak queue since the previous read, restarting from the queue at the time of the read', () => {
    const q = recorder(1, 5);
    for (const name of ['A', 'B', 'C', 'D']) q.enter(name);
    q.leave('A');
    q.leave('B');
    deepStrictEqual([q.queue.queued, q.queue.takePeakQueued()], [1, 3]);
    strictEqual(q.queue.takePeakQueued(), 1);
    q.leave('C');
    q.leave('D');
    strictEqual(q.queue.takePeakQueued(), 1);
    strictEqual(q.queue.takePeakQueued(), 0);
  });

  it('rejects a concurrency below 1 and a negative queueLimit, naming the scenario field', () => {
    throws(() => new AdmissionQueue({ concurrency: 0, queueLimit: 1 }), /concurrency must be an integer ≥ 1 \(got 0\); set gateway\.poolConnections/);
    throws(() => new AdmissionQueue({ concurrency: 1, queueLimit: -1 }), /queueLimit must be an integer ≥ 0 \(got -1\); set gateway\.queueLimit/);
    throws(() => new AdmissionQueue({ concurrency: 1.5, queueLimit: 1 }), /concurrency must be an integer/);
  });
});
