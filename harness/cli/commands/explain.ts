/**
 * `overload explain <log>`: no load at all. Reads an existing gateway log (nginx's error log, or
 * HAProxy's HTTP log) as a stream, one line at a time, and tells per time window how many
 * upstream failures it shows by cause, the likely reason in plain words and the first thing to
 * check (harness/logs/explain-log.ts). Large logs show their progress on stderr.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Argv } from 'yargs';
import { OverloadError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { detectFormat } from '../../logs/detect.ts';
import { LogTally, renderLogExplanation } from '../../logs/explain-log.ts';
import { LOG_FORMATS, type LogFormat } from '../../logs/log-line.ts';
import { LOG_PARSERS } from '../../logs/parsers.ts';
import { writeLine, type CliIO } from '../io.ts';

/** Lines read before the format is decided, when `--log-format` is left out. */
const DETECT_LINES = 50;
/** Logs larger than this report their progress on stderr, once a second. */
const PROGRESS_BYTES = 16 * 1024 * 1024;

/** `--window 1m`, `30s`, `10m`, `1h` → ms. */
export function parseWindow(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text.trim());
  const unit = { s: 1000, m: 60_000, h: 3_600_000 } as const;
  if (match?.[1] === undefined || match[2] === undefined || Number(match[1]) === 0) {
    throw new OverloadError('USAGE', `--window ${JSON.stringify(text)} is not a window length`, { hint: 'write a whole number and s, m or h, e.g. --window 1m or --window 30s' });
  }
  return Number(match[1]) * unit[match[2] as keyof typeof unit];
}

/** Registers `overload explain`. */
export function explainCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'explain <log>',
    "read a gateway's log (nginx error log, HAProxy HTTP log) and tell why and when it returned 502/503/504; sends nothing",
    (command) =>
      command
        .positional('log', { type: 'string', demandOption: true, describe: 'the log file, e.g. /var/log/nginx/error.log' })
        .option('log-format', { choices: LOG_FORMATS, describe: 'the log format; detected from the first lines when left out' })
        .option('window', { type: 'string', default: '1m', describe: 'the time window failures are counted in: 30s, 1m, 10m, 1h' })
        .option('json', { type: 'boolean', default: false, describe: 'print the counts as JSON instead of words' })
        .example('$0 explain /var/log/nginx/error.log', "why nginx answered 502s, per minute")
        .example('$0 explain haproxy.log --log-format haproxy --window 10s', 'HAProxy termination states, in 10 s windows'),
    async (args) => {
      const windowMs = parseWindow(args.window);
      const size = await stat(args.log).catch((error: NodeJS.ErrnoException) => {
        throw new OverloadError('USAGE', `cannot read ${args.log}: ${error.code ?? error.message}`, { hint: 'pass the path of a gateway log file you can read' });
      });
      if (!size.isFile()) throw new OverloadError('USAGE', `${args.log} is not a file`, { hint: 'pass the path of a gateway log file' });
      const result = await readLog(args.log, size.size, args['log-format'], windowMs, io);
      io.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : renderLogExplanation(result));
      finish(ExitCode.ok);
    },
  );
}

async function readLog(file: string, bytes: number, format: LogFormat | undefined, windowMs: number, io: CliIO): Promise<ReturnType<LogTally['result']>> {
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const head: string[] = [];
  let tally: LogTally | null = format === undefined ? null : new LogTally(LOG_PARSERS[format], windowMs);
  const decide = (): LogTally => {
    const found = format ?? detectFormat(head, Object.values(LOG_PARSERS));
    if (found === null) {
      throw new OverloadError('USAGE', `${file}: its first lines look like neither an nginx error log nor an HAProxy HTTP log`, {
        hint: `name the format with --log-format ${LOG_FORMATS.join('|')}; the first line is: ${head[0]?.slice(0, 160) ?? '(empty file)'}`,
      });
    }
    const decided = new LogTally(LOG_PARSERS[found], windowMs);
    for (const line of head) decided.add(line);
    return decided;
  };
  const progress = bytes >= PROGRESS_BYTES ? setInterval(() => writeLine(io.stderr, `read ${Math.round(stream.bytesRead / 1048576)} of ${Math.round(bytes / 1048576)} MB`), 1000) : undefined;
  try {
    for await (const line of lines) {
      if (tally !== null) {
        tally.add(line);
        continue;
      }
      head.push(line);
      if (head.length >= DETECT_LINES) tally = decide();
    }
    tally ??= decide();
  } finally {
    clearInterval(progress);
  }
  return tally.result();
}
