/**
 * `overload compare <baseline.json> <current.json>`: is the current run's capacity worse than the
 * baseline's beyond the noise (DESIGN.md §6)? Exit 3 on a regression, 2 on unreadable or
 * incompatible reports, 0 otherwise.
 */
import type { Argv } from 'yargs';
import { ExitCode } from '../../exit-codes.ts';
import { assertComparable, compare, comparisonPasses, parseTolerance } from '../../report/compare.ts';
import type { Comparison } from '../../report/comparison.ts';
import { readReport } from '../../report/read.ts';
import { render as renderJson } from '../../report/render/comparison-json.ts';
import { render as renderMarkdown } from '../../report/render/comparison-markdown.ts';
import { render as renderText } from '../../report/render/comparison-text.ts';
import { writeLine, type CliIO } from '../io.ts';

const RENDERERS: Record<'text' | 'md' | 'json', (comparison: Comparison) => string> = {
  text: renderText,
  md: renderMarkdown,
  json: renderJson,
};

/** Registers `overload compare`. */
export function compareCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'compare <baseline> <current>',
    'compare two reports: onset, max goodput and p99 latency; exit 3 on a regression beyond the tolerance, or when nothing could be compared',
    (command) =>
      command
        .positional('baseline', { type: 'string', demandOption: true, describe: 'the report to compare against (e.g. reports/baselines/overload.closed.json)' })
        .positional('current', { type: 'string', demandOption: true, describe: 'the new run’s report.json' })
        .option('tolerance', { type: 'string', default: '5%', describe: 'a change smaller than this is noise, e.g. 5% or 10%' })
        .option('format', { choices: ['text', 'md', 'json'] as const, default: 'text' as const, describe: 'text for a terminal, md for $GITHUB_STEP_SUMMARY or a PR comment, json for tools' })
        .example('$0 compare reports/baselines/overload.closed.json reports/runs/overload-…/report.json', '')
        .example('$0 compare base.json new.json --format md >> "$GITHUB_STEP_SUMMARY"', ''),
    async (args) => {
      const tolerance = parseTolerance(args.tolerance);
      const [baseline, current] = await Promise.all([readReport(args.baseline), readReport(args.current)]);
      assertComparable(baseline, current, { baseline: args.baseline, current: args.current });
      const comparison = compare(baseline, current, { tolerance, baselineSource: args.baseline, currentSource: args.current });
      io.stdout.write(RENDERERS[args.format](comparison));
      if (!comparison.regressed && !comparisonPasses(comparison)) {
        writeLine(io.stderr, 'No metric could be compared, so this is no evidence that capacity held: exit 3 (see the reasons above).');
      }
      finish(comparisonPasses(comparison) ? ExitCode.ok : ExitCode.expectationFailed);
    },
  );
}
