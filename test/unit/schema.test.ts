import assert from 'node:assert/strict';
import { DEFAULTS, OPEN_SEARCH_START_RPS } from '../../harness/config/defaults.ts';
import type { Scenario } from '../../harness/config/scenario.ts';
import { SCENARIO_FIELDS } from '../../harness/config/schema.ts';
import { formatProblem } from '../../harness/errors.ts';
import { problemsOf, scenarioOf } from '../helpers/validation.ts';

/** `{ a: { b: value } }` from `'a.b'`, on top of a minimal valid scenario. */
function withField(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  const leaf = keys.pop() ?? path;
  const root: Record<string, unknown> = { name: 'case' };
  let here = root;
  for (const key of keys) here = (here[key] ??= {}) as Record<string, unknown>;
  here[leaf] = value;
  return root;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('validateScenario', () => {
  it('fills every default from defaults.ts when only a name is given', () => {
    const expected: Scenario = {
      name: 'bare',
      ...structuredClone(DEFAULTS),
      criterion: { failureRatio: DEFAULTS.criterion.failureRatio, statuses: [502] },
    };
    assert.deepStrictEqual(scenarioOf({ name: 'bare' }), expected);
  });

  it('reports a bad worker count as path, value, rule and fix', () => {
    assert.deepStrictEqual(problemsOf(withField('upstream.workers', 0)).map(formatProblem), [
      'upstream.workers: must be an integer from 1 to 100000 (got 0). Fix: set at least 1 worker',
    ]);
  });

  // Each bad field gives exactly one problem, at its own path, with this message and fix.
  const cases: { path: string; value: unknown; message: string; fix: string; at?: string }[] = [
    { path: 'upstream.workers', value: 1.5, message: 'must be an integer from 1 to 100000', fix: 'use a whole number, e.g. 4' },
    { path: 'upstream.workers', value: 100_001, message: 'must be an integer from 1 to 100000', fix: 'set at most 100000 workers' },
    { path: 'upstream.workers', value: '4', message: 'must be an integer from 1 to 100000', fix: 'write 4 without quotes' },
    { path: 'upstream.workers', value: null, message: 'must be an integer from 1 to 100000', fix: 'write a number, e.g. 4' },
    { path: 'upstream.queue', value: -1, message: 'must be an integer from 0 to 1000000', fix: 'set at least 0' },
    { path: 'upstream.serviceMs', value: 600_001, message: 'must be a number from 0 to 600000', fix: 'set at most 600000' },
    { path: 'upstream.serviceDistribution', value: 'normal', message: 'must be one of "fixed", "exponential", "lognormal"', fix: 'use one of fixed, exponential, lognormal' },
    { path: 'upstream.shed', value: 'rest', message: 'must be one of "reset", "close", "hang", "503"', fix: 'did you mean `reset`?' },
    { path: 'upstream.shed', value: 503, message: 'must be one of "reset", "close", "hang", "503"', fix: 'write it as a string: "503"' },
    { path: 'upstream.keepAliveTimeoutMs', value: 0, message: 'must be an integer from 1 to 2147483647', fix: 'set at least 1' },
    { path: 'gateway.kind', value: 'envoy', message: 'must be one of "node", "nginx", "haproxy"', fix: 'use one of node, nginx, haproxy' },
    { path: 'gateway.profile', value: 'ngnix', message: 'must be one of "nginx", "haproxy", "envoy", "alb"', fix: 'did you mean `nginx`?' },
    { path: 'gateway.poolConnections', value: 0, message: 'must be a positive integer', fix: 'set at least 1 connection' },
    { path: 'gateway.queueLimit', value: -1, message: 'must be an integer of at least 0', fix: 'set at least 0' },
    { path: 'gateway.connectTimeoutMs', value: 2.5, message: 'must be an integer from 1 to 2147483647', fix: 'use a whole number, e.g. 1000' },
    { path: 'gateway.upstreamTimeoutMs', value: 0, message: 'must be an integer from 1 to 2147483647', fix: 'set at least 1' },
    { path: 'gateway.retries', value: 2, message: 'must be an integer from 0 to 1', fix: 'set at most 1 (1 is the nginx-style retry)' },
    { path: 'upstream.finDelayMs', value: -1, message: 'must be an integer from 0 to 60000', fix: 'set at least 0' },
    { path: 'upstream.finDelayMs', value: 60_001, message: 'must be an integer from 0 to 60000', fix: 'set at most 60000 (0 means no relay)' },
    { path: 'upstream.finDelayMs', value: 0.5, message: 'must be an integer from 0 to 60000', fix: 'use a whole number' },
    { path: 'load.burst', value: 0, message: 'must be an integer from 1 to 10000', fix: 'set at least 1 request' },
    { path: 'load.burst', value: 1.5, message: 'must be an integer from 1 to 10000', fix: 'use a whole number, e.g. 1' },
    { path: 'load.burst', value: 10_001, message: 'must be an integer from 1 to 10000', fix: 'set at most 10000 requests' },
    { path: 'load.arrivals', value: 'burst', message: 'must be one of "uniform", "poisson"', fix: 'use one of uniform, poisson' },
    { path: 'load.method', value: 'get', message: 'must be one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"', fix: 'did you mean `GET`?' },
    { path: 'load.path', value: 'health', message: 'must be a request path starting with a single / and without backslashes', fix: 'write "/health"' },
    { path: 'load.path', value: '//169.254.169.254/latest', message: 'must be a request path starting with a single / and without backslashes', fix: 'write "/169.254.169.254/latest"' },
    { path: 'load.path', value: '/\\evil', message: 'must be a request path starting with a single / and without backslashes', fix: 'write "/evil"' },
    { path: 'load.body', value: 5, message: 'must be a string', fix: 'write the body as a string, e.g. JSON.stringify({ ... })' },
    { path: 'load.stepMs', value: 99, message: 'must be an integer from 100 to 2147483647', fix: 'set at least 100' },
    { path: 'load.clientTimeoutMs', value: -1, message: 'must be an integer from 1 to 2147483647', fix: 'set at least 1' },
    { path: 'search.start', value: 0, message: 'must be a number of at least 1', fix: 'set at least 1' },
    { path: 'search.precision', value: 0, message: 'must be a number above 0 and at most 0.5', fix: 'set a value above 0, e.g. 0.02' },
    { path: 'search.precision', value: 0.6, message: 'must be a number above 0 and at most 0.5', fix: 'set at most 0.5' },
    { path: 'search.maxSteps', value: 201, message: 'must be an integer from 1 to 200', fix: 'set at most 200 steps' },
    { path: 'ramp.from', value: 0, message: 'must be a number of at least 1', fix: 'set at least 1' },
    { path: 'ramp.step', value: 0, message: 'must be a number of at least 1', fix: 'set at least 1' },
    { path: 'ramp.stopAfterFailures', value: 0, message: 'must be a positive integer', fix: 'set at least 1 failure' },
    { path: 'criterion.failureRatio', value: 0, message: 'must be a number above 0 and below 1', fix: 'set a value above 0, e.g. 0.01' },
    { path: 'criterion.failureRatio', value: 1, message: 'must be a number above 0 and below 1', fix: 'set a value below 1, e.g. 0.01' },
    { path: 'criterion.statuses', value: [], message: 'must be a non-empty list of HTTP statuses (integers from 100 to 599)', fix: 'write a list such as [502] or [502, 504], or leave it out for the profile\'s statuses' },
    { path: 'criterion.statuses', value: [502, 99], message: 'must be a non-empty list of HTTP statuses (integers from 100 to 599)', fix: 'write a list such as [502] or [502, 504], or leave it out for the profile\'s statuses' },
    { path: 'criterion.statuses', value: [600], message: 'must be a non-empty list of HTTP statuses (integers from 100 to 599)', fix: 'write a list such as [502] or [502, 504], or leave it out for the profile\'s statuses' },
    { path: 'caps.maxConnections', value: 2000, message: 'must be an integer from 1 to 1024', fix: 'set at most 1024 connections (the caps are ceilings in code)' },
    { path: 'caps.maxRps', value: 0, message: 'must be an integer from 1 to 50000', fix: 'set at least 1' },
    { path: 'caps.maxDurationS', value: 601, message: 'must be an integer from 1 to 600', fix: 'set at most 600 (the caps are ceilings in code)' },
    { path: 'caps.maxRequests', value: 0, message: 'must be an integer from 1 to 5000000', fix: 'set at least 1 request' },
    { path: 'seed', value: 1.5, message: 'must be an integer', fix: 'write a whole number, e.g. 1' },
    { path: 'model', value: 'half-open', message: 'must be one of "closed", "open"', fix: 'use one of closed, open' },
    { path: 'description', value: 5, message: 'must be a string', fix: 'write one line that says what the scenario shows' },
    { path: 'name', value: 'Bad Name', message: 'must be lowercase letters, digits and dashes, starting with a letter or digit', fix: 'write e.g. "bad-name"' },
    { path: 'name', value: '-x', message: 'must be lowercase letters, digits and dashes, starting with a letter or digit', fix: 'write e.g. "x"' },
    { path: 'expect', value: 'x', message: 'must be a list; each entry must be one of', fix: 'write e.g. [{ noFailuresBelow: 20 }]' },
    { path: 'expect', value: [{ onset: { between: [5, 3] } }], at: 'expect[0].onset', message: 'must be { between: [low, high] } with 0 ≤ low ≤ high', fix: 'write e.g. { between: [21, 21] }' },
    { path: 'expect', value: [{ noFailuresBelow: 1 }, { dominantCause: 'upstream_rest' }], at: 'expect[1].dominantCause', message: 'must be a cause code', fix: 'did you mean `upstream_reset`?' },
    { path: 'expect', value: [{ noFailuresBelow: -1 }], at: 'expect[0].noFailuresBelow', message: 'must be a number of at least 0', fix: 'write e.g. 20' },
    { path: 'expect', value: [{ noFailuresBellow: 3 }], at: 'expect[0]', message: 'must be one of { onset', fix: 'did you mean `noFailuresBelow`?' },
    { path: 'expect', value: [{ noFailuresBelow: 3, dominantCause: 'upstream_reset' }], at: 'expect[0]', message: 'must be one of { onset', fix: 'write one check per entry' },
  ];
  for (const { path, value, message, fix, at } of cases) {
    it(`rejects ${path} = ${JSON.stringify(value)} at ${at ?? path}`, () => {
      const problems = problemsOf(withField(path, value));
      assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
      const [problem] = problems;
      assert.equal(problem?.path, at ?? path);
      assert.ok(problem.message.startsWith(message), problem.message);
      assert.ok(problem.fix?.startsWith(fix), problem.fix);
    });
  }

  for (const [path, value, read] of [
    ['load.burst', 1, (x: Scenario) => x.load.burst],
    ['load.burst', 10_000, (x: Scenario) => x.load.burst],
    ['upstream.finDelayMs', 0, (x: Scenario) => x.upstream.finDelayMs],
    ['upstream.finDelayMs', 60_000, (x: Scenario) => x.upstream.finDelayMs],
  ] as const) {
    it(`accepts ${path} = ${value}, at the end of its range`, () => {
      // Bursts are an open-model setting: the closed model refuses any burst above 1.
      assert.equal(read(scenarioOf({ ...withField(path, value), model: 'open' })), value);
    });
  }

  it('refuses load.burst above 1 in the closed model, where connections send one request at a time', () => {
    assert.deepStrictEqual(
      problemsOf({ name: 'case', load: { burst: 4 } }).map((p) => p.path),
      ['load.burst'],
    );
  });

  it('says a missing name is required', () => {
    assert.deepStrictEqual(problemsOf({}), [{ path: 'name', message: 'is required', fix: 'add name: "my-scenario"' }]);
  });

  it('rejects an input that is not an object, at the empty path', () => {
    for (const input of [null, 5, 'overload', [{ name: 'x' }]]) {
      assert.deepStrictEqual(problemsOf(input).map((p) => [p.path, p.message]), [['', 'must be an object (the scenario)']]);
    }
  });

  it('rejects a section that is not an object', () => {
    assert.deepStrictEqual(problemsOf({ name: 'x', upstream: 4 }).map(formatProblem), [
      'upstream: must be an object (got 4). Fix: write { workers, queue, serviceMs, ... }, or leave it out to use the defaults',
    ]);
  });

  const unknownKeys: { input: Record<string, unknown>; path: string; fix: string }[] = [
    { input: { name: 'x', upstream: { wokers: 4 } }, path: 'upstream.wokers', fix: 'did you mean `workers`?' },
    { input: { name: 'x', upsteam: {} }, path: 'upsteam', fix: 'did you mean `upstream`?' },
    { input: { name: 'x', caps: { MaxRps: 5 } }, path: 'caps.MaxRps', fix: 'did you mean `maxRps`?' },
    { input: { name: 'x', gateway: { workers: 4 } }, path: 'gateway.workers', fix: 'it belongs elsewhere: did you mean `upstream.workers`?' },
    { input: { name: 'x', search: { zzz: 1 } }, path: 'search.zzz', fix: 'remove it; the known fields here are start, precision, maxSteps' },
  ];
  for (const { input, path, fix } of unknownKeys) {
    it(`rejects the unknown key ${path} and suggests a fix`, () => {
      assert.deepStrictEqual(problemsOf(input).map((p) => [p.path, p.message, p.fix]), [[path, 'is not a known field', fix]]);
    });
  }

  it('lists every mistake at once, field rules first and checks across fields last', () => {
    const problems = problemsOf({
      name: 'Two Words',
      upstream: { workers: 0, wokers: 4, shed: 'rest' },
      gateway: { upstreamTimeoutMs: 20_000 },
      load: { method: 'GET', body: '{}' },
      seed: 'one',
      extra: true,
    });
    assert.deepStrictEqual(problems.map((p) => p.path), [
      'name', 'upstream.workers', 'upstream.shed', 'upstream.wokers', 'seed', 'extra', 'load.clientTimeoutMs', 'load.body',
    ]);
  });

  const crossField: { name: string; input: Record<string, unknown>; path: string; message: string; fix?: string }[] = [
    {
      name: 'a client timeout no longer than the gateway\'s connect and upstream timeouts plus 1 s of slack',
      input: { load: { clientTimeoutMs: 7000 } },
      path: 'load.clientTimeoutMs',
      message: 'must exceed (gateway.connectTimeoutMs + gateway.upstreamTimeoutMs) × (1 + gateway.retries) + 1000 = (1000 + 5000) × 1 + 1000 = 7000',
      fix: 'set load.clientTimeoutMs above 7000, e.g. 8000, or lower the gateway\'s timeouts: a request can wait the connect and the upstream timeout once per attempt (twice with a retry), plus 1000 ms of timer slack, and a client that gives up first never sees the gateway\'s 504',
    },
    {
      name: 'a client timeout longer than either gateway timeout but not than both together',
      input: { gateway: { connectTimeoutMs: 5000 } },
      path: 'load.clientTimeoutMs',
      message: 'must exceed (gateway.connectTimeoutMs + gateway.upstreamTimeoutMs) × (1 + gateway.retries) + 1000 = (5000 + 5000) × 1 + 1000 = 11000',
    },
    {
      name: 'a client timeout that outlasts one attempt but not the retry',
      input: { gateway: { retries: 1 } },
      path: 'load.clientTimeoutMs',
      message: 'must exceed (gateway.connectTimeoutMs + gateway.upstreamTimeoutMs) × (1 + gateway.retries) + 1000 = (1000 + 5000) × 2 + 1000 = 13000',
      fix: 'set load.clientTimeoutMs above 13000, e.g. 14000, or lower the gateway\'s timeouts: a request can wait the connect and the upstream timeout once per attempt (twice with a retry), plus 1000 ms of timer slack, and a client that gives up first never sees the gateway\'s 504',
    },
    { name: 'a ramp that ends below its start', input: { ramp: { from: 10, to: 5 } }, path: 'ramp.to', message: 'must be at least ramp.from (10)' },
    { name: 'a ramp start above the default end', input: { ramp: { from: 100 } }, path: 'ramp.from', message: 'must not exceed ramp.to (64, its default)' },
    { name: 'a ramp above caps.maxConnections', input: { ramp: { to: 2000 }, caps: { maxConnections: 100 } }, path: 'ramp.to', message: 'must not exceed caps.maxConnections (100 connections)' },
    { name: 'an open-model ramp above caps.maxRps', input: { model: 'open', ramp: { to: 600 }, caps: { maxRps: 500 } }, path: 'ramp.to', message: 'must not exceed caps.maxRps (500 req/s)' },
    { name: 'a search start above caps.maxConnections', input: { search: { start: 32 }, caps: { maxConnections: 16 } }, path: 'search.start', message: 'must not exceed caps.maxConnections (16 connections)' },
    { name: 'a fractional connection count', input: { search: { start: 2.5 } }, path: 'search.start', message: 'must be a whole number of connections in the closed model', fix: 'use 3' },
    { name: 'a body with GET', input: { load: { body: 'x' } }, path: 'load.body', message: 'is only sent with POST, PUT or PATCH (load.method is GET)' },
    { name: 'a CPU-bound upstream with 4 workers', input: { upstream: { work: 'cpu', workers: 4 } }, path: 'upstream.workers', message: 'must be 1 with upstream.work "cpu" (one event loop computes one request at a time)' },
    { name: 'a body with DELETE', input: { load: { method: 'DELETE', body: 'x' } }, path: 'load.body', message: 'is only sent with POST, PUT or PATCH (load.method is DELETE)' },
    { name: 'a step longer than caps.maxDurationS', input: { caps: { maxDurationS: 1 } }, path: 'load.stepMs', message: 'must fit in caps.maxDurationS (1 s)' },
  ];
  for (const { name, input, path, message, fix } of crossField) {
    it(`rejects ${name}`, () => {
      const problems = problemsOf({ name: 'x', ...input });
      assert.deepStrictEqual(problems.map((p) => [p.path, p.message]), [[path, message]]);
      if (fix !== undefined) assert.equal(problems[0]?.fix, fix);
    });
  }

  it('does not repeat a field\'s own problem in a check across fields', () => {
    assert.deepStrictEqual(problemsOf({ name: 'x', load: { clientTimeoutMs: 'soon' } }).map((p) => p.path), ['load.clientTimeoutMs']);
  });

  it('accepts a client timeout just above (connect + upstream) × (1 + retries) + 1000', () => {
    assert.equal(scenarioOf({ name: 'x', load: { clientTimeoutMs: 7001 } }).load.clientTimeoutMs, 7001);
    assert.equal(scenarioOf({ name: 'x', gateway: { retries: 1 }, load: { clientTimeoutMs: 13_001 } }).gateway.retries, 1);
  });

  it('accepts a body with POST, PUT or PATCH and keeps it', () => {
    for (const method of ['POST', 'PUT', 'PATCH']) {
      assert.equal(scenarioOf({ name: 'x', load: { method, body: '{"a":1}' } }).load.body, '{"a":1}');
    }
  });

  it('leaves out load.body when none is given', () => {
    assert.equal('body' in scenarioOf({ name: 'x' }).load, false);
  });

  it('derives the defaults that depend on other fields', () => {
    assert.equal(scenarioOf({ name: 'x', model: 'open' }).search.start, OPEN_SEARCH_START_RPS);
    assert.equal(scenarioOf({ name: 'x', model: 'open', caps: { maxRps: 5 } }).search.start, 5);
    assert.equal(scenarioOf({ name: 'x', caps: { maxConnections: 32 } }).ramp.to, 32);
    assert.deepStrictEqual(scenarioOf({ name: 'x', gateway: { profile: 'haproxy' } }).criterion.statuses, [502, 503]);
    assert.deepStrictEqual(scenarioOf({ name: 'x', gateway: { profile: 'haproxy' }, criterion: { statuses: [504] } }).criterion.statuses, [504]);
  });

  it('never mutates its input, and shares no object with it or with DEFAULTS', () => {
    const input = deepFreeze({ name: 'x', upstream: { workers: 2 }, criterion: { statuses: [502] }, expect: [{ onset: { between: [3, 3] } }] });
    const before = structuredClone(input);
    const scenario = scenarioOf(input);
    assert.deepStrictEqual(input, before);
    assert.notEqual(scenario.upstream, input.upstream);
    assert.notEqual(scenario.criterion.statuses, input.criterion.statuses);
    assert.notEqual(scenario.expect, input.expect);
    const defaults = structuredClone(DEFAULTS);
    const bare = scenarioOf({ name: 'y' });
    bare.upstream.workers = 99;
    bare.expect.push({ noFailuresBelow: 1 });
    bare.caps.maxConnections = 1;
    assert.deepStrictEqual(DEFAULTS, defaults);
  });

  it('describes every field with the kind --set parses it as', () => {
    const kinds = Object.fromEntries([...SCENARIO_FIELDS].map(([path, field]) => [path, field.kind]));
    assert.equal(kinds['upstream.workers'], 'integer');
    assert.equal(kinds['upstream.serviceMs'], 'number');
    assert.equal(kinds['upstream.shed'], 'enum');
    assert.equal(kinds['load.body'], 'string');
    assert.equal(kinds['criterion.statuses'], 'number-list');
    assert.equal(kinds.expect, 'json');
    assert.equal(kinds['timeline.events'], 'json');
    assert.equal(kinds['gateway.upstreamName'], 'string');
    assert.equal(kinds['upstream.crashAboveInFlight'], 'integer');
    assert.deepStrictEqual(SCENARIO_FIELDS.get('upstream.shed')?.values, ['reset', 'close', 'hang', '503']);
    assert.equal(kinds['upstream.finDelayMs'], 'integer');
    assert.equal(kinds['load.burst'], 'integer');
    assert.equal(kinds['behind.nginx'], 'json');
    assert.equal(SCENARIO_FIELDS.size, 62);
  });
});
