/**
 * Everything one `overload run` needs, resolved and checked before any load is sent: the
 * scenario behind its gateway, the formats, the tolerance, the target (through the guard), the
 * user's gateway log, the baseline, an https target's certificate and the output folder. A mistake costs nothing but exit 2.
 */
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { GatewayKind, Scenario } from '../config/scenario.ts';
import { OverloadError } from '../errors.ts';
import type { LogFormat } from '../logs/log-line.ts';
import { assertBaselineFits, defaultBaselinePath } from '../report/baseline.ts';
import { parseTolerance } from '../report/compare.ts';
import { readReport } from '../report/read.ts';
import type { Report } from '../report/schema.ts';
import { prepareOutputDir } from '../report/write.ts';
import { scenarioForTarget, type GatewayLogOption } from '../runner/target.ts';
import { authorizeEntry, parseTargetsFile, type EntryAuthorization } from '../safety/authorization.ts';
import { LOOPBACK_ONLY, pinTarget, type PinnedTarget } from '../safety/target-guard.ts';
import { writeLine, type CliIO } from './io.ts';
import { checkTargetTrust } from './target-tls.ts';
import { parseFormats, resolveScenario, type ScenarioArgs } from './options.ts';
import type { PreparedRun } from './run-one.ts';

/** The options of `run`, as yargs parses them. */
export interface RunArgs extends ScenarioArgs {
  all: boolean | undefined;
  ramp: boolean | undefined;
  repeat: number;
  out: string | undefined;
  json: boolean;
  format: string;
  baseline: string | undefined;
  tolerance: string;
  target: string | undefined;
  'gateway-log': string | undefined;
  authorize: string | undefined;
  'authorize-target': string | undefined;
  ca: string | undefined;
  'log-format': LogFormat | undefined;
  'update-baseline': string | undefined;
}

/** Resolves and checks everything one run needs, before any load is sent. */
export async function prepare(args: RunArgs, scenarioName: string, out: string | undefined, io: CliIO, gateway: GatewayKind | undefined): Promise<PreparedRun> {
  const formats = parseFormats(args.format);
  const tolerance = parseTolerance(args.tolerance);
  if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 50) {
    throw new OverloadError('USAGE', `--repeat must be an integer from 1 to 50 (got ${args.repeat})`, { hint: 'use --repeat 5 for a median of five trials' });
  }
  const scenario = await resolveScenario(args, scenarioName, gateway);
  const timeline = scenario.timeline.durationMs > 0;
  if (timeline && args.target !== undefined) {
    throw new OverloadError('USAGE', `${scenario.name} is a timeline scenario: its events stop, crash or re-point the fixtures, which --target ${args.target} replaces`, {
      hint: 'run it without --target, or run a ramp or search scenario (e.g. overload) against your service',
    });
  }
  // A timeline holds one load for a set time: there is no onset to take the median of, nor a ramp.
  if (timeline && (args.repeat > 1 || args.ramp === true)) {
    writeLine(io.stderr, `${scenario.name} is a timeline scenario: it runs once, as planned (${args.repeat > 1 ? '--repeat' : '--ramp'} does not apply)`);
  }
  // The guard decides before anything else, and before any connection or DNS query.
  const authorization = await readAuthorization(args);
  const pinned = args.target === undefined ? undefined : await pinTarget(args.target, authorization ?? LOOPBACK_ONLY);
  const target = pinned === undefined || authorization === undefined ? pinned : { ...pinned, caps: authorization.caps };
  // Against a target the caps are its own, and a plan beyond them is refused now, not mid-run.
  if (target !== undefined) scenarioForTarget(scenario, target);
  const gatewayLog = await checkGatewayLog(args);
  const baselinePath = (file: string): string => file || defaultBaselinePath(scenario.name, scenario.model, { target: target !== undefined, gateway: scenario.gateway.kind });
  const baseline = args.baseline === undefined ? null : await loadBaseline(baselinePath(args.baseline), scenario, target);
  // The one connection before the run: an https target's handshake, once everything local was checked.
  const checkedTarget = await checkTargetTrust(args.ca, target);
  const outDir = await prepareOutputDir(out, scenario.name, new Date());
  return {
    scenario,
    plan: args.ramp === true ? 'ramp' : 'search',
    repeat: timeline ? 1 : args.repeat,
    formats,
    outDir,
    target: checkedTarget,
    ...(gatewayLog === undefined ? {} : { gatewayLog }),
    baseline,
    tolerance,
    updateBaseline: args['update-baseline'] === undefined ? null : baselinePath(args['update-baseline']),
  };
}

/**
 * `--gateway-log PATH [--log-format F]`: only with `--target` (the harness reads the logs of the
 * gateways it starts itself), and a readable file, checked before any load.
 * @throws OverloadError `USAGE` naming the flag, the path and the fix.
 */
async function checkGatewayLog(args: RunArgs): Promise<GatewayLogOption | undefined> {
  const file = args['gateway-log'];
  if (file === undefined) {
    if (args['log-format'] !== undefined) throw new OverloadError('USAGE', `--log-format ${args['log-format']} needs --gateway-log`, { hint: 'add --gateway-log PATH (your gateway’s log), or drop --log-format' });
    return undefined;
  }
  if (args.target === undefined) {
    throw new OverloadError('USAGE', `--gateway-log ${file} reads your own gateway’s log during a --target run`, {
      hint: 'add --target URL (your gateway on this machine); the fixtures’ gateways are read by overload itself (see gateway-error.log in the run folder)',
    });
  }
  const hint = 'pass the path your gateway writes to: nginx’s error_log (`nginx -T | grep error_log`), or the file HAProxy’s HTTP log goes to';
  let info;
  try {
    info = await stat(file);
    await access(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OverloadError('USAGE', `--gateway-log ${file}: cannot read it (${code})`, { hint });
  }
  if (!info.isFile()) throw new OverloadError('USAGE', `--gateway-log ${file}: not a regular file`, { hint });
  return { path: path.resolve(file), format: args['log-format'] ?? null };
}

/**
 * `--authorize FILE --authorize-target NAME`: both keys or neither, and only with `--target`.
 * @throws OverloadError `USAGE` naming the missing key or the unreadable file; `TARGET_REFUSED`
 *   from the entry's own checks (authorization.ts).
 */
async function readAuthorization(args: RunArgs): Promise<EntryAuthorization | undefined> {
  const file = args.authorize;
  const name = args['authorize-target'];
  if (file === undefined && name === undefined) return undefined;
  const example = '--target http://10.1.2.3:8080/ --authorize overload.targets.json --authorize-target lab';
  if (file === undefined) throw new OverloadError('USAGE', `--authorize-target ${name ?? ''} needs --authorize FILE: the allow-list that holds the entry`, { hint: example });
  if (name === undefined) throw new OverloadError('USAGE', `--authorize ${file} needs --authorize-target NAME: the entry of the file this run may use`, { hint: example });
  if (args.target === undefined) throw new OverloadError('USAGE', `--authorize ${file} authorizes a --target, and none was given`, { hint: example });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OverloadError('USAGE', `--authorize ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { hint: 'pass the path of the allow-list file the target’s owner keeps' });
  }
  return authorizeEntry(parseTargetsFile(text, file), name, args.target, new Date().toISOString().slice(0, 10), file);
}

/** Reads the baseline and checks that it fits the scenario and model about to run. */
async function loadBaseline(source: string, scenario: Scenario, target: PinnedTarget | undefined): Promise<{ source: string; report: Report }> {
  const report = await readReport(source);
  assertBaselineFits(report, source, { scenario: scenario.name, model: scenario.model, target: target !== undefined, gateway: scenario.gateway.kind });
  return { source, report };
}
