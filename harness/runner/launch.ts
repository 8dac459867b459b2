/**
 * Starts the pair of fixtures a scenario describes: the upstream, then the gateway in front of
 * it. The runner takes a {@link FixtureLauncher} so tests can swap in fakes (test/fakes/).
 */
import type { Scenario } from '../config/scenario.ts';
import type { FixtureControl, FixtureEvent } from '../../fixtures/common/protocol.ts';
import { forkGateway, forkUpstream } from './fixtures.ts';
import { startNginx } from '../gateways/nginx.ts';
import { startHaproxy } from '../gateways/haproxy.ts';
import type { StepFixtures } from './measure-step.ts';

export interface LaunchedFixtures extends StepFixtures {
  upstreamUrl: string;
  /** Stops both fixtures; safe to call more than once. */
  stop(): Promise<void>;
  /** Timeline events: hands the control to the fixture it concerns (DNS: the gateway; the rest: the upstream). */
  control?(command: FixtureControl): Promise<void>;
  /** Calls `listener` with what either fixture reports doing (a crash, a restart, a fresh DNS answer). */
  onEvent?(listener: (event: FixtureEvent) => void): void;
}

export interface FixtureLauncher {
  start(scenario: Scenario, options: { seed: number; errorLogPath?: string }): Promise<LaunchedFixtures>;
}

/** The real launcher: each fixture in its own child process on 127.0.0.1, port 0. */
export const childProcessLauncher: FixtureLauncher = {
  async start(scenario, { seed, errorLogPath }) {
    if (scenario.gateway.kind !== 'node') return startBehindRealGateway(scenario, seed, errorLogPath);
    const upstream = await forkUpstream({ ...scenario.upstream, seed });
    let gateway;
    try {
      gateway = await forkGateway({
        ...scenario.gateway,
        upstreamUrl: upstream.url,
        upstreamKeepAliveTimeoutMs: scenario.upstream.keepAliveTimeoutMs,
        ...(errorLogPath === undefined ? {} : { errorLogPath }),
      });
    } catch (error) {
      await upstream.stop();
      throw error;
    }
    let stopped: Promise<void> | undefined;
    return {
      gatewayUrl: gateway.url,
      upstreamUrl: upstream.url,
      gateway,
      upstream,
      control: (command) => (command.action === 'set-dns' ? gateway.control(command) : upstream.control(command)),
      onEvent(listener) {
        upstream.onEvent(listener);
        gateway.onEvent(listener);
      },
      stop() {
        // The gateway first, so it does not count the upstream's going away as failures.
        stopped ??= gateway.stop().then(() => upstream.stop());
        return stopped;
      },
    };
  },
};

/** The upstream fixture behind a real nginx or HAProxy (issue 6): their causes come from their logs. */
async function startBehindRealGateway(scenario: Scenario, seed: number, errorLogPath: string | undefined): Promise<LaunchedFixtures> {
  const upstream = await forkUpstream({ ...scenario.upstream, seed });
  let real;
  try {
    real = scenario.gateway.kind === 'haproxy' ? await startHaproxy(scenario.gateway, upstream.url, errorLogPath) : await startNginx(scenario.gateway, upstream.url, errorLogPath);
  } catch (error) {
    await upstream.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    gatewayUrl: real.process.url,
    upstreamUrl: upstream.url,
    gateway: real.stats,
    upstream,
    unmarked: true,
    control: (command) => (command.action === 'set-dns' ? Promise.reject(new Error(`${scenario.gateway.kind} takes no DNS control here: use --gateway node`)) : upstream.control(command)),
    onEvent: (listener) => upstream.onEvent(listener),
    stop() {
      stopped ??= real.process.stop().then(() => upstream.stop());
      return stopped;
    },
  };
}
