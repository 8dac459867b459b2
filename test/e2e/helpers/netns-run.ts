/**
 * Runs inside a network namespace the test made (`unshare -n`, test/e2e/netns-target.test.ts),
 * where `lo` is the only interface and holds 10.1.2.3 besides 127.0.0.1: nothing here can reach
 * another machine. Starts services on 10.1.2.3 that count their connections, runs the CLI
 * against them with and without an authorization, and prints what happened as one JSON line.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runMain } from '../../helpers/run-main.ts';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: netns-run.ts <folder>');

/** An HTTP server on 10.1.2.3:port that answers 200 and counts the connections it accepted. */
async function counting(port: number): Promise<{ server: Server; connections: () => number }> {
  let connections = 0;
  const server = createServer((_req, res) => res.end('ok'));
  server.on('connection', () => connections++);
  server.listen(port, '10.1.2.3');
  await once(server, 'listening');
  return { server, connections: () => connections };
}

const lab = await counting(8080);
const web = await counting(80);
const file = path.join(dir, 'overload.targets.json');
await writeFile(
  file,
  JSON.stringify({
    targets: [{ name: 'lab', host: '10.1.2.3', port: 8080, addresses: ['10.1.2.3'], caps: { maxConnections: 8 }, expires: '2999-12-31', owner: 'the test', reason: 'the authorized path, inside a namespace' }],
  }),
);
const ramp = ['--quick', '--ramp', '--set', 'ramp.from=1', '--set', 'ramp.to=2', '--set', 'ramp.step=1', '--format', 'json'];
const run = async (name: string, args: string[]) => {
  const out = path.join(dir, name);
  const result = await runMain(['run', 'overload', ...args, '--out', out]);
  const report = result.code === 0 ? (JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { target?: unknown; scenario: { parameters: { caps: unknown } }; steps: unknown[] }) : null;
  return { code: result.code, stderr: result.stderr.slice(-1500), target: report?.target ?? null, caps: report?.scenario.parameters.caps ?? null, steps: report?.steps.length ?? 0 };
};

const unauthorized = await run('unauthorized', ['--target', 'http://10.1.2.3/', ...ramp]);
const webConnections = web.connections();
const oneKey = await run('one-key', ['--target', 'http://10.1.2.3:8080/', '--authorize', file, ...ramp]);
const otherHost = await run('other-host', ['--target', 'http://10.1.2.4:8080/', '--authorize', file, '--authorize-target', 'lab', ...ramp]);
const beforeAuthorized = lab.connections();
const authorized = await run('authorized', ['--target', 'http://10.1.2.3:8080/', '--authorize', file, '--authorize-target', 'lab', ...ramp]);
process.stdout.write(
  `${JSON.stringify({ unauthorized, webConnections, oneKey, otherHost, labBefore: beforeAuthorized, authorized, labConnections: lab.connections() })}\n`,
);
lab.server.close();
web.server.close();
