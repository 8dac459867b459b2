/**
 * Starts the default scenario's fixtures in child processes, prints their pids as one JSON line,
 * and waits. The lifecycle test kills this process with SIGKILL and checks that the fixtures
 * exit by themselves.
 */
import { loadScenario } from '../../../harness/config/load-scenario.ts';
import { forkGateway, forkUpstream } from '../../../harness/runner/fixtures.ts';

const scenario = await loadScenario('overload');
const upstream = await forkUpstream({ ...scenario.upstream, seed: 1 });
const gateway = await forkGateway({ ...scenario.gateway, upstreamUrl: upstream.url, upstreamKeepAliveTimeoutMs: 5000 });
process.stdout.write(`${JSON.stringify({ pids: [upstream.pid, gateway.pid] })}\n`);
setInterval(() => undefined, 1000);
