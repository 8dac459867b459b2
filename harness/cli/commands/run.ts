/** `overload run <scenario>`: run it, write the reports, print a summary and a chart. */
import path from 'node:path';
import type { Argv } from 'yargs';
import { runScenario } from '../../runner/run-scenario.ts';
import { prepareOutputDir, writeReportFiles } from '../../report/write.ts';
import { render as renderText } from '../../report/render/text.ts';
import { render as renderJson } from '../../report/render/json.ts';
import type { Report } from '../../report/schema.ts';
import { OverloadError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { attachProgress } from '../progress.ts';
import { writeLine, type CliIO } from '../io.ts';
import { resolveScenario, withScenarioOptions } from '../options.ts';
import { RunEvents } from '../run-events.ts';

/** Formats `run` can write today. */
const FORMATS = ['json', 'md'] as const;
type Format = (typeof FORMATS)[number];

/** Registers `overload run`. */
export function runCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'run <scenario>',
    'run a scenario: find where the gateway starts returning 502s, and why',
    (command) =>
      withScenarioOptions(command)
        .option('search', { type: 'boolean', describe: 'find the onset adaptively (the default)' })
        .option('ramp', { type: 'boolean', describe: 'step through the scenario’s ramp instead of searching' })
        .conflicts('search', 'ramp')
        .option('repeat', { type: 'number', default: 1, describe: 'run N independent trials and report the median onset with its spread' })
        .option('out', { type: 'string', describe: 'write the reports into this folder (new or empty); default reports/runs/<scenario>-<time>/' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the report JSON on stdout; progress and summary go to stderr' })
        .option('format', { type: 'string', default: 'json,md', describe: `report files to write: ${FORMATS.join(',')}` }),
    async (args) => {
      const formats = parseFormats(args.format);
      if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 50) {
        throw new OverloadError('USAGE', `--repeat must be an integer from 1 to 50 (got ${args.repeat})`, { hint: 'use --repeat 5 for a median of five trials' });
      }
      const scenario = await resolveScenario(args);
      const outDir = await prepareOutputDir(args.out, scenario.name, new Date());
      const summary = args.json ? io.stderr : io.stdout;

      const controller = new AbortController();
      let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
      const offSignal = io.onSignal((signal) => {
        if (stoppedBy !== null) return;
        stoppedBy = signal;
        writeLine(io.stderr, `\n${signal} received: stopping the load, writing the partial report… (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once)`);
        controller.abort();
      });
      const events = new RunEvents();
      const detachProgress = attachProgress(events, io.stderr);
      let report: Report;
      try {
        report = await runScenario({
          scenario,
          plan: args.ramp === true ? 'ramp' : 'search',
          repeat: args.repeat,
          signal: controller.signal,
          onEvent: (event) => events.emit(event),
          errorLogPath: path.join(outDir, 'gateway-error.log'),
          save: async (current) => {
            await writeReportFiles(outDir, current, formats);
          },
        });
      } finally {
        detachProgress();
        offSignal();
      }

      summary.write(renderText(report, { color: io.color && !args.json, width: io.stderr.columns ?? 100 }));
      writeLine(summary);
      writeLine(summary, `reports: ${formats.map((format) => path.join(outDir, fileName(format))).join('  ')}`);
      writeLine(summary, `gateway error log: ${path.join(outDir, 'gateway-error.log')}`);
      if (args.json) io.stdout.write(renderJson(report));

      if (stoppedBy === 'SIGINT') return finish(ExitCode.interrupted);
      if (stoppedBy === 'SIGTERM') return finish(ExitCode.terminated);
      finish(report.expectations.every((expectation) => expectation.passed) ? ExitCode.ok : ExitCode.expectationFailed);
    },
  );
}

function parseFormats(value: string): Format[] {
  const formats = value.split(',').map((format) => format.trim()).filter((format) => format !== '');
  const unknown = formats.filter((format) => !(FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0 || formats.length === 0) {
    throw new OverloadError('USAGE', `--format ${value}: unknown format ${unknown.join(', ') || '(none)'}`, { hint: `choose from ${FORMATS.join(', ')}, comma-separated` });
  }
  return formats as Format[];
}

function fileName(format: Format): string {
  return `report.${format}`;
}
