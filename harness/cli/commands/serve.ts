/** `overload serve <scenario>`: start the fixtures, print their URLs, keep them up until Ctrl-C. */
import type { Argv } from 'yargs';
import { childProcessLauncher } from '../../runner/launch.ts';
import { ExitCode } from '../../exit-codes.ts';
import { writeLine, type CliIO } from '../io.ts';
import { resolveScenario, singleGateway, withScenarioOptions } from '../options.ts';

/** Registers `overload serve`. */
export function serveCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'serve <scenario>',
    'start the scenario’s upstream and gateway on 127.0.0.1, print their URLs, and keep them up until Ctrl-C',
    (command) => withScenarioOptions(command).option('json', { type: 'boolean', default: false, describe: 'print the URLs as one JSON line' }),
    async (args) => {
      const scenario = await resolveScenario(args, args.scenario, singleGateway(args, 'overload serve'));
      const fixtures = await childProcessLauncher.start(scenario, { seed: scenario.seed });
      const stopped = new Promise<void>((resolve) => {
        const off = io.onSignal(() => {
          off();
          resolve();
        });
      });
      if (args.json) {
        writeLine(io.stdout, JSON.stringify({ gateway: fixtures.gatewayUrl, upstream: fixtures.upstreamUrl }));
      } else {
        writeLine(io.stdout, `gateway   ${fixtures.gatewayUrl}  (${scenario.gateway.profile} profile, in front of the upstream)`);
        writeLine(io.stdout, `upstream  ${fixtures.upstreamUrl}  (C = ${scenario.upstream.workers}, S = ${scenario.upstream.serviceMs} ms, Q = ${scenario.upstream.queue}, shed = ${scenario.upstream.shed})`);
        writeLine(io.stderr, 'press Ctrl-C to stop');
      }
      await stopped;
      await fixtures.stop();
      finish(ExitCode.ok);
    },
  );
}
