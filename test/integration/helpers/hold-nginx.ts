/**
 * Starts a real nginx (harness/gateways/nginx.ts) in front of the upstream URL given as the first
 * argument, with its error log at the second, prints nginx's pid as one JSON line, and waits. The
 * watchdog test kills this process with SIGKILL and checks that nginx goes too.
 */
import { DEFAULTS } from '../../../harness/config/defaults.ts';
import { startNginx } from '../../../harness/gateways/nginx.ts';

const [upstreamUrl, errorLog] = process.argv.slice(2);
if (upstreamUrl === undefined || errorLog === undefined) throw new Error('usage: hold-nginx.ts <upstream URL> <error log path>');
const nginx = await startNginx({ ...DEFAULTS.gateway, kind: 'nginx' }, upstreamUrl, errorLog);
process.stdout.write(`${JSON.stringify({ pid: nginx.process.pid })}\n`);
setInterval(() => undefined, 1000);
