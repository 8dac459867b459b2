/** Every log format's parser, by name (`--log-format`). */
import { haproxyLog } from './haproxy-log.ts';
import type { LogFormat, LogParser } from './log-line.ts';
import { nginxErrorLog } from './nginx-error-log.ts';

export const LOG_PARSERS: Readonly<Record<LogFormat, LogParser>> = { nginx: nginxErrorLog, haproxy: haproxyLog };
