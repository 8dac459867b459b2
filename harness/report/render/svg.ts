/**
 * The report as an SVG capacity chart (`chart.svg`), for READMEs and CI artefacts: the chart
 * alone, no other text. Async, unlike the other renderers, because Vega's `toSVG` is; it still
 * only returns a string (STYLE.md, example 1), and the HTML renderer takes that string as is.
 */
import { chartSpec } from '../chart/spec.ts';
import { renderChartSvg } from '../chart/render.ts';
import type { Report } from '../schema.ts';

/** Renders the report's capacity chart as an SVG document ending with one newline. */
export async function render(report: Report): Promise<string> {
  return `${await renderChartSvg(chartSpec(report))}\n`;
}
