/** `overload report <run.json> --format …`: re-render a saved report. Sends nothing. */
import path from 'node:path';
import type { Argv } from 'yargs';
import { OverloadError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { readReport } from '../../report/read.ts';
import { renderFormats } from '../../report/render/formats.ts';
import { prepareOutputDir, releaseOutputDir, writeTextFile } from '../../report/write.ts';
import { writeLine, type CliIO } from '../io.ts';
import { parseFormats } from '../options.ts';

/** Registers `overload report`. */
export function reportCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'report <file>',
    're-render a saved report.json: one format to stdout, or several into a folder',
    (command) =>
      command
        .positional('file', { type: 'string', demandOption: true, describe: 'a report.json written by `overload run`' })
        .option('format', { type: 'string', demandOption: true, describe: 'json, md, html, svg, junit or csv; several, comma-separated, need --out' })
        .option('out', { type: 'string', describe: 'write the files into this folder (new or empty) instead of printing one to stdout' })
        .example('$0 report reports/runs/overload-…/report.json --format md >> "$GITHUB_STEP_SUMMARY"', 'a job summary from a saved run')
        .example('$0 report run.json --format html,svg --out html/', 'the HTML page and the chart, side by side'),
    async (args) => {
      const formats = parseFormats(args.format);
      const report = await readReport(args.file);
      if (args.out === undefined) {
        const [only, ...more] = formats;
        if (only === undefined || more.length > 0) {
          throw new OverloadError('USAGE', `--format ${args.format}: stdout takes one format at a time`, { hint: 'name one format, or add --out DIR to write several files' });
        }
        const [rendered] = await renderFormats(report, [only]);
        io.stdout.write(rendered?.text ?? '');
        return finish(ExitCode.ok);
      }
      const outDir = await prepareOutputDir(args.out, report.scenario.name, new Date());
      try {
        for (const { file, text } of await renderFormats(report, formats)) {
          const target = path.join(outDir, file);
          await writeTextFile(target, text);
          writeLine(io.stdout, target);
        }
      } finally {
        await releaseOutputDir(outDir);
      }
      finish(ExitCode.ok);
    },
  );
}
