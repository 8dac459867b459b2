import assert from 'node:assert/strict';
import { parseGateways, singleGateway, type ScenarioArgs } from '../../harness/cli/options.ts';
import { thrown } from '../helpers/rejection.ts';

describe('--gateway: one gateway, or a comma list that `run` compares', () => {
  const accepted: [string | undefined, ReturnType<typeof parseGateways>][] = [
    [undefined, undefined],
    ['nginx', ['nginx']],
    ['node,nginx,haproxy', ['node', 'nginx', 'haproxy']],
    ['haproxy, node', ['haproxy', 'node']],
  ];
  for (const [value, expected] of accepted) {
    it(`reads ${JSON.stringify(value)} as ${JSON.stringify(expected)}, in the order given`, () => assert.deepEqual(parseGateways(value), expected));
  }

  const refused: [string, RegExp][] = [
    ['envoy', /^--gateway envoy: unknown gateway "envoy"$/],
    ['node,,nginx', /unknown gateway ""/],
    ['nginx,nginx', /^--gateway nginx,nginx: nginx named twice$/],
    ['', /unknown gateway ""/],
  ];
  for (const [value, message] of refused) {
    it(`refuses ${JSON.stringify(value)} naming the bad name and the known ones`, () => {
      const error = thrown(() => parseGateways(value));
      assert.equal(error.code, 'USAGE');
      assert.match(error.message, message);
      assert.match(error.hint ?? '', /choose from node, nginx, haproxy/);
    });
  }

  it('lets a command that runs one gateway refuse a list, saying that `run` compares them', () => {
    const args: ScenarioArgs = { scenario: 'overload', set: [], quick: false, seed: undefined, model: undefined, gateway: 'node,nginx' };
    const error = thrown(() => singleGateway(args, 'overload plan'));
    assert.equal(error.message, 'overload plan takes one gateway (got --gateway node,nginx)');
    assert.match(error.hint ?? '', /`overload run` compares a list/);
    assert.equal(singleGateway({ ...args, gateway: 'haproxy' }, 'overload plan'), 'haproxy');
  });
});
