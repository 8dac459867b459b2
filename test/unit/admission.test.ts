import assert from 'node:assert/strict';
import { Admission, type Ticket } from '../../fixtures/upstream/admission.ts';
import { mulberry32 } from '../../fixtures/common/random.ts';

/** A monotonic clock the test moves by hand. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

type Step =
  | { admit: string; expect: 'serve' | 'queue' | 'shed' }
  | { finish: string; next?: string }
  | { cancel: string; next?: string };

interface Counters {
  inService: number;
  queued: number;
  received: number;
  served: number;
  shed: number;
  cancelled: number;
}

interface Case {
  name: string;
  workers: number;
  queue: number;
  steps: Step[];
  end: Counters;
}

/** Runs the steps, checking each decision and each hand-over of a worker. */
function run(admission: Admission<string>, steps: Step[]): void {
  const tickets = new Map<string, Ticket<string>>();
  const get = (name: string): Ticket<string> => {
    const ticket = tickets.get(name);
    if (ticket === undefined) throw new Error(`the test never admitted ${name}`);
    return ticket;
  };
  for (const step of steps) {
    if ('admit' in step) {
      const admitted = admission.admit(step.admit);
      assert.equal(admitted.kind, step.expect, `admit ${step.admit}`);
      if (admitted.kind !== 'shed') tickets.set(step.admit, admitted.ticket);
    } else {
      const next = 'finish' in step ? admission.finish(get(step.finish)) : admission.cancel(get(step.cancel));
      assert.equal(next?.payload, step.next, `${JSON.stringify(step)}: the ticket that gets the worker`);
    }
  }
}

function counters(admission: Admission<string>): Counters {
  const { inService, queued, received, served, shed, cancelled } = admission;
  return { inService, queued, received, served, shed, cancelled };
}

const cases: Case[] = [
  {
    name: 'with C = 2 and Q = 3, eight requests at once give 2 served, 3 queued and 3 shed',
    workers: 2,
    queue: 3,
    steps: [
      ...['a', 'b'].map((admit) => ({ admit, expect: 'serve' as const })),
      ...['c', 'd', 'e'].map((admit) => ({ admit, expect: 'queue' as const })),
      ...['f', 'g', 'h'].map((admit) => ({ admit, expect: 'shed' as const })),
    ],
    end: { inService: 2, queued: 3, received: 8, served: 0, shed: 3, cancelled: 0 },
  },
  {
    name: 'the queue is first in, first out',
    workers: 1,
    queue: 2,
    steps: [
      { admit: 'a', expect: 'serve' },
      { admit: 'b', expect: 'queue' },
      { admit: 'c', expect: 'queue' },
      { finish: 'a', next: 'b' },
      { finish: 'b', next: 'c' },
      { finish: 'c' },
    ],
    end: { inService: 0, queued: 0, received: 3, served: 3, shed: 0, cancelled: 0 },
  },
  {
    name: 'with Q = 0 a request is shed exactly while every worker is busy',
    workers: 1,
    queue: 0,
    steps: [
      { admit: 'a', expect: 'serve' },
      { admit: 'b', expect: 'shed' },
      { finish: 'a' },
      { admit: 'c', expect: 'serve' },
    ],
    end: { inService: 1, queued: 0, received: 3, served: 1, shed: 1, cancelled: 0 },
  },
  {
    name: 'cancelling a queued ticket frees its place and it never gets a worker',
    workers: 1,
    queue: 2,
    steps: [
      { admit: 'a', expect: 'serve' },
      { admit: 'b', expect: 'queue' },
      { admit: 'c', expect: 'queue' },
      { cancel: 'b' },
      { admit: 'd', expect: 'queue' },
      { finish: 'a', next: 'c' },
      { finish: 'c', next: 'd' },
    ],
    end: { inService: 1, queued: 0, received: 4, served: 2, shed: 0, cancelled: 1 },
  },
  {
    name: 'cancelling the head and the tail of the queue keeps the rest in order',
    workers: 1,
    queue: 3,
    steps: [
      { admit: 'a', expect: 'serve' },
      { admit: 'b', expect: 'queue' },
      { admit: 'c', expect: 'queue' },
      { admit: 'd', expect: 'queue' },
      { cancel: 'd' },
      { cancel: 'b' },
      { admit: 'e', expect: 'queue' },
      { finish: 'a', next: 'c' },
      { finish: 'c', next: 'e' },
      { finish: 'e' },
    ],
    end: { inService: 0, queued: 0, received: 5, served: 3, shed: 0, cancelled: 2 },
  },
  {
    name: 'cancelling a ticket in service hands its worker to the next queued one',
    workers: 1,
    queue: 1,
    steps: [
      { admit: 'a', expect: 'serve' },
      { admit: 'b', expect: 'queue' },
      { cancel: 'a', next: 'b' },
      { admit: 'c', expect: 'queue' },
      { admit: 'd', expect: 'shed' },
      { finish: 'b', next: 'c' },
    ],
    end: { inService: 1, queued: 0, received: 4, served: 1, shed: 1, cancelled: 1 },
  },
  {
    name: 'cancelling a ticket that is done or already cancelled changes nothing',
    workers: 1,
    queue: 1,
    steps: [
      { admit: 'a', expect: 'serve' },
      { admit: 'b', expect: 'queue' },
      { finish: 'a', next: 'b' },
      { cancel: 'a' },
      { cancel: 'b' },
      { cancel: 'b' },
      { admit: 'c', expect: 'serve' },
    ],
    end: { inService: 1, queued: 0, received: 3, served: 1, shed: 0, cancelled: 1 },
  },
];

describe('Admission', () => {
  for (const { name, workers, queue, steps, end } of cases) {
    it(name, () => {
      const admission = new Admission<string>({ workers, queue, now: fakeClock().now });
      run(admission, steps);
      assert.deepEqual(counters(admission), end);
    });
  }

  it('keeps inService ≤ C and queued ≤ Q, sheds exactly when C + Q are in flight, and its counters add up', () => {
    const random = mulberry32(42);
    for (const [workers, queue] of [[1, 0], [2, 3], [4, 16], [3, 1]] as const) {
      const admission = new Admission<number>({ workers, queue, now: () => 0 });
      const live: Ticket<number>[] = [];
      for (let i = 0; i < 5000; i++) {
        const u = random();
        if (u < 0.5 || live.length === 0) {
          const full = admission.inFlight === workers + queue;
          const admitted = admission.admit(i);
          assert.equal(admitted.kind === 'shed', full, `request ${i} with ${admission.inFlight} in flight`);
          if (admitted.kind !== 'shed') live.push(admitted.ticket);
        } else {
          const ticket = live.splice(Math.floor(random() * live.length), 1)[0];
          if (ticket === undefined) throw new Error('unreachable: live is not empty');
          if (u < 0.85 && ticket.state === 'serving') admission.finish(ticket);
          else admission.cancel(ticket);
        }
        assert.ok(admission.inService <= workers && admission.queued <= queue);
        assert.equal(admission.received, admission.served + admission.shed + admission.cancelled + admission.inFlight);
        assert.equal(admission.inFlight, live.length);
      }
    }
  });

  it('measures the mean service time exactly, from the start of service, not from arrival', () => {
    const clock = fakeClock();
    const admission = new Admission<string>({ workers: 1, queue: 2, now: clock.now });
    const a = admission.admit('a');
    const b = admission.admit('b');
    const c = admission.admit('c');
    assert.equal(admission.meanServiceMs, null);
    clock.advance(10);
    if (a.kind !== 'serve' || b.kind !== 'queue' || c.kind !== 'queue') throw new Error('unexpected admission');
    assert.equal(admission.finish(a.ticket), b.ticket);
    assert.equal(b.ticket.startedAt, 10);
    clock.advance(5);
    assert.equal(admission.cancel(b.ticket), c.ticket); // a cancelled service is not a served one
    clock.advance(30);
    admission.finish(c.ticket);
    assert.equal(admission.meanServiceMs, (10 + 30) / 2);
  });

  it('reports the peak queue depth since the previous call, then restarts from the current depth', () => {
    const admission = new Admission<string>({ workers: 1, queue: 3, now: () => 0 });
    const tickets = ['a', 'b', 'c', 'd'].map((p) => admission.admit(p));
    const ticket = (i: number): Ticket<string> => {
      const admitted = tickets[i];
      if (admitted === undefined || admitted.kind === 'shed') throw new Error(`ticket ${i} was not admitted`);
      return admitted.ticket;
    };
    admission.finish(ticket(0));
    assert.equal(admission.takePeakQueued(), 3);
    assert.equal(admission.takePeakQueued(), 2);
    admission.finish(ticket(1));
    admission.finish(ticket(2));
    assert.equal(admission.takePeakQueued(), 2);
    assert.equal(admission.takePeakQueued(), 0);
  });

  it('refuses to finish a ticket that is not in service, or that another Admission issued', () => {
    const admission = new Admission<string>({ workers: 1, queue: 1, now: () => 0 });
    const a = admission.admit('a');
    const b = admission.admit('b');
    if (a.kind === 'shed' || b.kind === 'shed') throw new Error('unexpected shed');
    assert.throws(() => admission.finish(b.ticket), /ticket 2 is queued, not serving/);
    admission.finish(a.ticket);
    assert.throws(() => admission.finish(a.ticket), /ticket 1 is done, not serving/);
    const other = new Admission<string>({ workers: 1, queue: 0, now: () => 0 });
    assert.throws(() => other.cancel(b.ticket), /was not admitted here/);
  });

  const invalid: { workers: number; queue: number; message: RegExp }[] = [
    { workers: 0, queue: 0, message: /workers must be an integer ≥ 1 \(got 0\)/ },
    { workers: 1.5, queue: 0, message: /workers must be an integer ≥ 1 \(got 1.5\)/ },
    { workers: Number.NaN, queue: 0, message: /workers must be an integer ≥ 1 \(got NaN\)/ },
    { workers: 1, queue: -1, message: /queue must be an integer ≥ 0 \(got -1\)/ },
    { workers: 1, queue: 0.5, message: /queue must be an integer ≥ 0 \(got 0.5\)/ },
  ];
  for (const { workers, queue, message } of invalid) {
    it(`rejects workers = ${workers}, queue = ${queue}, naming the value`, () => {
      assert.throws(() => new Admission({ workers, queue, now: () => 0 }), message);
    });
  }
});
