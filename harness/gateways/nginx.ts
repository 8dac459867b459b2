/**
 * nginx as the gateway (`gateway.kind: nginx`, `--gateway nginx`; issue 6): its config written
 * from fixtures/nginx/nginx.conf.template with the scenario's gateway settings, started in the
 * foreground with its prefix, pid and error log in the run's folder, and its causes read from
 * that error log (harness/logs/nginx-error-log.ts).
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../config/scenario.ts';
import { OverloadError } from '../errors.ts';
import { nginxErrorLog } from '../logs/nginx-error-log.ts';
import { findBinary } from './find-binary.ts';
import { freeLoopbackPort } from './free-port.ts';
import { LogTailStats } from './log-stats.ts';
import { startProcessGateway, type ProcessGateway } from './process-gateway.ts';
import { fillTemplate } from './template.ts';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/nginx/nginx.conf.template', import.meta.url));

/** The template's values from the scenario's gateway settings (pure, for tests). */
export function nginxValues(gateway: GatewayConfig, options: { dir: string; errorLog: string; upstreamHost: string; port: number }): Record<string, string | number> {
  return {
    dir: options.dir,
    errorLog: options.errorLog,
    upstream: options.upstreamHost,
    port: options.port,
    // nginx keeps this many idle connections per worker; it opens more while they are busy.
    keepalive: gateway.poolConnections,
    connectTimeoutMs: gateway.connectTimeoutMs,
    upstreamTimeoutMs: gateway.upstreamTimeoutMs,
    // `off`: a failure is final; `error timeout`: nginx's default, one more try on another (here:
    // the same) server, which with one server only happens on a cached connection (research §1.2).
    nextUpstream: gateway.retries === 0 ? 'off' : 'error timeout',
  };
}

/** Starts nginx in front of `upstreamUrl`; `errorLogPath` is where its error log goes (a temp folder when absent). */
export async function startNginx(gateway: GatewayConfig, upstreamUrl: string, errorLogPath?: string): Promise<{ process: ProcessGateway; stats: LogTailStats }> {
  const binary = await findBinary('nginx');
  if (binary === null) {
    throw new OverloadError('USAGE', 'gateway.kind is nginx, but nginx is not installed (not on the PATH, nor in /usr/sbin)', {
      hint: 'install it (Debian, Ubuntu: apt-get install nginx-light), or run with --gateway node',
    });
  }
  const errorLog = errorLogPath ?? path.join(await mkdtemp(path.join(tmpdir(), 'overload-nginx-')), 'error.log');
  const dir = path.join(path.dirname(errorLog), 'nginx');
  await mkdir(dir, { recursive: true });
  const port = await freeLoopbackPort();
  const conf = fillTemplate(await readFile(TEMPLATE, 'utf8'), nginxValues(gateway, { dir, errorLog, upstreamHost: new URL(upstreamUrl).host, port }));
  const confPath = path.join(dir, 'nginx.conf');
  await writeFile(confPath, conf);
  const process = await startProcessGateway({ name: 'nginx', command: binary, args: ['-p', `${dir}/`, '-c', confPath, '-e', errorLog], cwd: dir, port });
  return { process, stats: new LogTailStats(errorLog, nginxErrorLog) };
}
