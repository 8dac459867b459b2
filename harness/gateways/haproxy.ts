/**
 * HAProxy as the gateway (`gateway.kind: haproxy`, `--gateway haproxy`; issue 6): its config
 * written from fixtures/haproxy/haproxy.cfg.template with the scenario's gateway settings,
 * started in the foreground (-db) with its pid file in the run's folder, its HTTP log (stdout)
 * written to `gateway-access.log` there, and its causes read from that log's termination states
 * (harness/logs/haproxy-log.ts). HAProxy answers 503 where nginx answers 502 (a refused
 * connection, a full queue: research/gateway-502.md §4), so its profile counts both.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../config/scenario.ts';
import { OverloadError } from '../errors.ts';
import { haproxyLog } from '../logs/haproxy-log.ts';
import { findBinary } from './find-binary.ts';
import { freeLoopbackPort } from './free-port.ts';
import { LogTailStats } from './log-stats.ts';
import { startProcessGateway, type ProcessGateway } from './process-gateway.ts';
import { fillTemplate } from './template.ts';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/haproxy/haproxy.cfg.template', import.meta.url));

/** The template's values from the scenario's gateway settings (pure, for tests). */
export function haproxyValues(gateway: GatewayConfig, options: { dir: string; upstreamHost: string; port: number }): Record<string, string | number> {
  return {
    dir: options.dir,
    upstream: options.upstreamHost,
    port: options.port,
    poolConnections: gateway.poolConnections,
    connectTimeoutMs: gateway.connectTimeoutMs,
    upstreamTimeoutMs: gateway.upstreamTimeoutMs,
    retries: gateway.retries,
  };
}

/** Starts HAProxy in front of `upstreamUrl`; its log goes to `gateway-access.log` beside `errorLogPath` (a temp folder when absent). */
export async function startHaproxy(gateway: GatewayConfig, upstreamUrl: string, errorLogPath?: string): Promise<{ process: ProcessGateway; stats: LogTailStats; log: string }> {
  const binary = await findBinary('haproxy');
  if (binary === null) {
    throw new OverloadError('USAGE', 'gateway.kind is haproxy, but HAProxy is not installed (not on the PATH, nor in /usr/sbin)', {
      hint: 'install it (Debian, Ubuntu: apt-get install haproxy), or run with --gateway node',
    });
  }
  const folder = errorLogPath === undefined ? await mkdtemp(path.join(tmpdir(), 'overload-haproxy-')) : path.dirname(errorLogPath);
  const dir = path.join(folder, 'haproxy');
  await mkdir(dir, { recursive: true });
  const log = path.join(folder, 'gateway-access.log');
  const port = await freeLoopbackPort();
  const cfg = fillTemplate(await readFile(TEMPLATE, 'utf8'), haproxyValues(gateway, { dir, upstreamHost: new URL(upstreamUrl).host, port }));
  const cfgPath = path.join(dir, 'haproxy.cfg');
  await writeFile(cfgPath, cfg);
  const process = await startProcessGateway({ name: 'HAProxy', command: binary, args: ['-db', '-f', cfgPath], cwd: dir, port, stdoutFile: log });
  return { process, stats: new LogTailStats(log, haproxyLog), log };
}
