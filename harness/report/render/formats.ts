/**
 * Every report format by its `--format` name: the file it is written to and how it is rendered.
 * `write.ts` (after each step of `overload run`) and `overload report` (re-rendering a saved
 * report) both go through {@link renderFormats}, so a format is one more entry in one table.
 *
 * The chart is the one slow and asynchronous part (vega starts in about a second and renders
 * with promises), so it is imported only when a format needs it and rendered at most once per
 * call, however many formats embed it.
 */
import type { Comparison } from '../comparison.ts';
import type { Report } from '../schema.ts';
import { render as renderCsv } from './csv.ts';
import { render as renderHtml } from './html.ts';
import { render as renderJson } from './json.ts';
import { render as renderJunit } from './junit.ts';
import { render as renderMarkdown } from './markdown.ts';

/** The formats, in the order `--help` lists them. */
export const REPORT_FORMATS = ['json', 'md', 'html', 'svg', 'junit', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What `overload run` writes when `--format` is not given (DESIGN.md §6; junit and csv on request). */
export const DEFAULT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html', 'svg'];

/** What a renderer may need besides the report. */
interface RenderInput {
  report: Report;
  /** The chart as SVG, rendered on first use. */
  chart: () => Promise<string>;
  /** The comparison against a baseline (`run --baseline`), which junit reports as test cases. */
  comparison: Comparison | undefined;
}

const RENDERERS: Record<ReportFormat, { file: string; render: (input: RenderInput) => string | Promise<string> }> = {
  json: { file: 'report.json', render: ({ report }) => renderJson(report) },
  md: { file: 'report.md', render: ({ report }) => renderMarkdown(report) },
  html: { file: 'report.html', render: async ({ report, chart }) => renderHtml(report, await chart()) },
  svg: { file: 'chart.svg', render: ({ chart }) => chart() },
  junit: { file: 'junit.xml', render: ({ report, comparison }) => renderJunit(report, comparison) },
  csv: { file: 'steps.csv', render: ({ report }) => renderCsv(report) },
};

/** The file name a format is written to (`report.html`, `chart.svg`, `junit.xml`, …). */
export function fileNameOf(format: ReportFormat): string {
  return RENDERERS[format].file;
}

/** True when `name` is a format this version renders. */
export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

/**
 * Renders the report in each format (duplicates once), in the order given. Pure but for the
 * chart's lazy import: it writes nothing.
 */
export async function renderFormats(
  report: Report,
  formats: readonly ReportFormat[],
  options: { comparison?: Comparison } = {},
): Promise<{ format: ReportFormat; file: string; text: string }[]> {
  let chart: Promise<string> | undefined;
  const input: RenderInput = {
    report,
    comparison: options.comparison,
    chart: () => {
      chart ??= import('./svg.ts').then((svg) => svg.render(report));
      return chart;
    },
  };
  const rendered = [];
  for (const format of new Set(formats)) {
    const { file, render } = RENDERERS[format];
    rendered.push({ format, file, text: await render(input) });
  }
  return rendered;
}
