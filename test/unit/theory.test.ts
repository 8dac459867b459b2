import assert from 'node:assert/strict';
import {
  capacityRps,
  closedLoopTheory,
  mmckBlocking,
  openLoopTheory,
  predictedClosedFailure,
  predictedOpenFailure,
  type CapacityModel,
} from '../../harness/stats/theory.ts';

const defaults: CapacityModel = { workers: 4, queue: 16, serviceMsMeasured: 10, poolConnections: 512, queueLimit: 1024, shed: 'reset' };

describe('closed-loop theory', () => {
  const onsets: [string, Partial<CapacityModel>, number | null, 'upstream' | 'gateway'][] = [
    ['C = 4, Q = 16, P = 512 sheds at C + Q + 1', {}, 21, 'upstream'],
    ['C = 6, Q = 10 sheds at 17', { workers: 6, queue: 10 }, 17, 'upstream'],
    ["shed: close gives the same onset as reset", { shed: 'close' }, 21, 'upstream'],
    ['P = 8 ≤ C + Q = 20 overflows the gateway at P + queueLimit + 1', { poolConnections: 8, queueLimit: 4 }, 13, 'gateway'],
    ['P = C + Q exactly is still limited by the gateway', { poolConnections: 20, queueLimit: 4 }, 25, 'gateway'],
    ["shed: 503 has no upstream 502: only the gateway's limit", { shed: '503', poolConnections: 64, queueLimit: 32 }, 97, 'gateway'],
    ['shed: hang has no upstream 502 either', { shed: 'hang', poolConnections: 64, queueLimit: 32 }, 97, 'gateway'],
    ['a connection limit of 8 below C + Q fails from its 9th connection', { connectionLimit: 8 }, 9, 'upstream'],
    ['a connection limit at or above C + Q changes nothing', { connectionLimit: 20 }, 21, 'upstream'],
    ['a connection limit above a smaller pool changes nothing', { connectionLimit: 10, poolConnections: 8, queueLimit: 4 }, 13, 'gateway'],
    ['every 50th response malformed (2 % ≥ 1 %) fails from the lowest load', { invalidEvery: 50 }, 1, 'upstream'],
    ['every 200th response malformed (0.5 % < 1 %) leaves the capacity onset', { invalidEvery: 200 }, 21, 'upstream'],
    ['every 200th malformed fails from the lowest load under a 0.5 % criterion', { invalidEvery: 200, failureRatio: 0.005 }, 1, 'upstream'],
  ];
  for (const [name, change, onset, limitedBy] of onsets) {
    it(name, () => {
      const theory = closedLoopTheory({ ...defaults, ...change });
      assert.equal(theory.onset, onset);
      assert.equal(theory.limitedBy, limitedBy);
    });
  }

  it('says which limit decides, with the numbers and the source', () => {
    assert.deepEqual(closedLoopTheory(defaults), {
      serviceMsMeasured: 10,
      capacityRps: 400,
      onset: 21,
      limitedBy: 'upstream',
      basis: "Closed loop, zero think time: at most N requests are outstanding (research/gateway-502.md §8.3), so the upstream sheds (reset → 502) only when N > C + Q = 4 + 16 = 20; the gateway's pool (P = 512) is larger, so the onset is C + Q + 1 = 21.",
    });
    assert.equal(
      closedLoopTheory({ ...defaults, poolConnections: 8, queueLimit: 4 }).basis,
      "Closed loop, zero think time: at most N requests are outstanding (research/gateway-502.md §8.3); the gateway's pool (P = 8) is not larger than C + Q = 4 + 16 = 20, so the upstream never holds more than 8 and never sheds; the gateway's own queue overflows (gateway_overflow → 502) when N > P + queueLimit = 8 + 4 = 12, so the onset is 13.",
    );
  });

  it('says why a fault onset does not depend on capacity', () => {
    assert.equal(
      closedLoopTheory({ ...defaults, invalidEvery: 50 }).basis,
      'Every 50th response is malformed (upstream_invalid → 502): 2 % of the requests fail at any load, at or above the criterion (1 %), so the onset is the lowest load, 1 connection, whatever the capacity.',
    );
    assert.match(closedLoopTheory({ ...defaults, connectionLimit: 8 }).basis, /closes connections beyond its limit of 8 as soon as it accepts them \(→ 502\), before its queue \(C \+ Q = 20\) is full, so the onset is 8 \+ 1 = 9\.$/);
  });

  it('makes no prediction for a CPU-bound upstream, and says so apart from predicting no 502', () => {
    const theory = closedLoopTheory({ ...defaults, workers: 1, queue: 100, serviceMsMeasured: 5, work: 'cpu' });
    assert.equal(theory.onset, null);
    assert.equal(theory.limitedBy, null);
    assert.equal(theory.capacityRps, 200, 'one event loop: 1 / S');
    assert.match(theory.basis, /the model makes no prediction\.$/);
    assert.equal(predictedClosedFailure(16, theory), null, 'no per-step prediction either');
    assert.equal(predictedClosedFailure(16, closedLoopTheory({ ...defaults, shed: 'hang', poolConnections: 64, queueLimit: 32, maxConnections: 64 })), 0, 'a predicted absence of 502s is still 0');
  });

  it('makes no closed-loop prediction behind a connection-rate firewall when every request opens a connection', () => {
    const theory = closedLoopTheory({ ...defaults, acceptRate: 150, connection: 'close' });
    assert.deepEqual([theory.onset, theory.limitedBy], [null, null]);
    assert.equal(theory.capacityRps, 150, 'the firewall, not C / S = 400, limits');
    assert.equal(closedLoopTheory({ ...defaults, acceptRate: 150 }).onset, 21, 'pooled connections: the rule limits almost nothing');
  });

  it('says in the basis that a passed-through 503 is no 502', () => {
    assert.match(closedLoopTheory({ ...defaults, shed: '503' }).basis, /the upstream answers 503 itself and the gateway passes it through, which is no 502/);
  });

  it('predicts no onset above the cap, and says so', () => {
    const theory = closedLoopTheory({ ...defaults, shed: 'hang', maxConnections: 1024 });
    assert.equal(theory.onset, null);
    assert.match(theory.basis, /P \+ queueLimit = 512 \+ 1024 = 1536, so the onset is 1537\. That is above the cap of 1024 connections, so no 502 is predicted in this run\.$/);
  });

  it('computes capacity C / S with the measured S, and none without it', () => {
    assert.equal(capacityRps({ workers: 4, poolConnections: 512, serviceMsMeasured: 10 }), 400);
    assert.equal(capacityRps({ workers: 4, poolConnections: 2, serviceMsMeasured: 10 }), 200);
    assert.equal(closedLoopTheory({ ...defaults, serviceMsMeasured: null }).capacityRps, null);
    assert.equal(closedLoopTheory({ ...defaults, serviceMsMeasured: 0 }).capacityRps, null);
  });

  it('predicts no failure up to C + Q, and an unpredictable ratio from C + Q + 1', () => {
    assert.deepEqual([1, 20, 21, 64].map((n) => predictedClosedFailure(n, defaults)), [0, 0, null, null]);
  });

  it('predicts the same from an already computed theory', () => {
    const theory = closedLoopTheory(defaults);
    assert.deepEqual([20, 21].map((n) => predictedClosedFailure(n, theory)), [0, null]);
    const aboveCap = closedLoopTheory({ ...defaults, shed: 'hang', maxConnections: 1024 });
    assert.equal(predictedClosedFailure(1024, aboveCap), 0);
  });
});

describe('open-loop theory', () => {
  it('matches the M/M/c/K test vectors of qsmmmk.m (research/gateway-502.md §8.2)', () => {
    assert.equal(mmckBlocking({ arrivalRps: 50, serviceMs: 100, servers: 4, capacity: 6 }).toFixed(6), '0.293543');
    assert.equal(mmckBlocking({ arrivalRps: 3, serviceMs: 500, servers: 2, capacity: 5 }).toFixed(6), '0.085114');
    assert.equal(mmckBlocking({ arrivalRps: 160, serviceMs: 50, servers: 8, capacity: 24 }).toFixed(4), '0.0494');
    assert.equal(mmckBlocking({ arrivalRps: 0, serviceMs: 50, servers: 8, capacity: 24 }), 0);
  });

  it('does not overflow for a large K', () => {
    const blocking = mmckBlocking({ arrivalRps: 1e6, serviceMs: 10, servers: 4, capacity: 1536 });
    assert.equal(blocking.toFixed(4), '0.9996');
  });

  const open = { ...defaults, failureRatio: 0.01 } as const;

  it('predicts μ / (1 − criterion) for uniform arrivals and fixed service (404 req/s)', () => {
    const theory = openLoopTheory({ ...open, arrivals: 'uniform', serviceDistribution: 'fixed' });
    assert.equal(theory.onset, 404);
    assert.equal(theory.capacityRps, 400);
    assert.deepEqual([400, 800].map((rate) => predictedOpenFailure(rate, { ...open, arrivals: 'uniform', serviceDistribution: 'fixed' })), [0, 0.5]);
  });

  it('makes no open-loop prediction for the faults only the closed-loop limit models', () => {
    const uniform = { ...open, arrivals: 'uniform' as const, serviceDistribution: 'fixed' as const };
    for (const fault of [{ work: 'cpu' as const }, { invalidEvery: 50 }, { connectionLimit: 8 }]) {
      const theory = openLoopTheory({ ...uniform, ...fault });
      assert.deepEqual([theory.onset, theory.limitedBy], [null, null], JSON.stringify(fault));
      assert.equal(predictedOpenFailure(300, { ...uniform, ...fault }), null);
    }
    assert.equal(openLoopTheory({ ...uniform, invalidEvery: 200 }).onset, 404, '0.5 % < 1 %: the capacity still decides');
  });

  it('behind a firewall of r new connections per second, with connection: close, predicts min(c / S, r) / (1 − criterion)', () => {
    const firewall = { ...open, arrivals: 'uniform' as const, serviceDistribution: 'fixed' as const, acceptRate: 150, connection: 'close' as const };
    const theory = openLoopTheory(firewall);
    assert.equal(theory.onset, 151.5);
    assert.equal(theory.capacityRps, 150);
    assert.match(theory.basis, /resets those beyond r = 150 per second/);
    assert.equal(predictedOpenFailure(200, firewall), 0.25);
    assert.equal(predictedOpenFailure(150, firewall), 0);
    assert.equal(openLoopTheory({ ...firewall, connection: 'keep-alive' }).onset, 404, 'pooled: the capacity decides');
    assert.equal(openLoopTheory({ ...firewall, arrivals: 'poisson' }).onset, null, 'a token bucket under Poisson arrivals is not modelled');
  });

  it('predicts where π_K reaches the criterion for Poisson arrivals and exponential service (345.6 req/s)', () => {
    assert.equal(openLoopTheory({ ...open, arrivals: 'poisson', serviceDistribution: 'exponential' }).onset, 345.6);
    assert.equal(openLoopTheory({ ...open, workers: 8, serviceMsMeasured: 50, arrivals: 'poisson', serviceDistribution: 'exponential' }).onset, 140);
  });

  it('predicts nothing where no closed form exists (M/G/c/K)', () => {
    const theory = openLoopTheory({ ...open, arrivals: 'poisson', serviceDistribution: 'fixed' });
    assert.equal(theory.onset, null);
    assert.match(theory.basis, /M\/G\/c\/K has no closed form/);
    assert.equal(predictedOpenFailure(400, { ...open, arrivals: 'poisson', serviceDistribution: 'fixed' }), null);
  });

  it('uses Erlang B for any service distribution when nothing can queue (K = c)', () => {
    const input = { ...open, queue: 0, arrivals: 'poisson', serviceDistribution: 'lognormal' } as const;
    assert.equal(predictedOpenFailure(400, input), mmckBlocking({ arrivalRps: 400, serviceMs: 10, servers: 4, capacity: 4 }));
  });

  for (const [arrivals, serviceDistribution] of [['uniform', 'fixed'], ['poisson', 'exponential']] as const) {
    it(`predicts nothing for arrivals in bursts (${arrivals} bursts, ${serviceDistribution} service), which a batch-arrival queue would need`, () => {
      const input = { ...open, arrivals, serviceDistribution, burst: 4 };
      const theory = openLoopTheory(input);
      assert.deepEqual([theory.onset, theory.limitedBy, theory.capacityRps], [null, null, 400]);
      assert.equal(theory.basis, 'Arrivals come in bursts of 4: a batch-arrival queue, which the open-loop formulas here do not model; no onset is predicted.');
      assert.equal(predictedOpenFailure(300, input), null);
    });
  }

  it('predicts as before for a burst of 1 (one arrival at a time)', () => {
    assert.equal(openLoopTheory({ ...open, arrivals: 'uniform', serviceDistribution: 'fixed', burst: 1 }).onset, 404);
    assert.equal(openLoopTheory({ ...open, arrivals: 'poisson', serviceDistribution: 'exponential', burst: 1 }).onset, 345.6);
  });

  it('predicts no 502 onset when the upstream sheds with 503', () => {
    assert.equal(openLoopTheory({ ...open, shed: '503', arrivals: 'uniform', serviceDistribution: 'fixed' }).onset, null);
  });
});
