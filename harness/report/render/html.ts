/**
 * The report as ONE self-contained HTML page (`report.html`): this file is the page around the
 * sections (head, Content-Security-Policy, inline CSS, body frame). The chart's SVG is inline, there
 * is no script, and nothing loads from anywhere (no fonts, images, links or styles by URL; the
 * Content-Security-Policy says so to the browser too), so it opens from a CI artifact, a mail or a
 * USB stick, reads the same offline, and prints. Light and dark follow `prefers-color-scheme`.
 *
 * The sections, in reading order, are in `html-sections.ts`; the helpers they share in
 * `html-parts.ts`. Returns a string and writes nothing.
 */
import type { Report } from '../schema.ts';
import { esc } from './html-parts.ts';
import { footer, sections } from './html-sections.ts';

/**
 * Where the page may load from: nowhere. Styles are inline; images only as `data:` URLs (a chart
 * renderer may embed one); no script, frame, font or form target. Also stops an SVG script.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * The page's only style. Colors are variables, set once for light and once for dark
 * (`prefers-color-scheme`) and for print; system fonts only, because a web font would be a request.
 */
const STYLE = `
:root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --stripe: #f6f8fa;
  --fail: #cf222e; --fail-bg: #ffebe9; --pass: #1a7f37; --warn-bg: #fff8c5; --accent: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --stripe: #151b23;
    --fail: #f85149; --fail-bg: #2d1214; --pass: #3fb950; --warn-bg: #2e2608; --accent: #4493f8;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.3; font-weight: 600; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.1rem; font-weight: 600; margin: 2.25rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--border); }
p { margin: 0.5rem 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em; }
code { background: var(--stripe); padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: var(--stripe); border: 1px solid var(--border); border-radius: 6px; padding: 0.75rem 1rem; overflow: auto; }
.eyebrow, .muted, figcaption, footer { color: var(--muted); }
.eyebrow { font-size: 0.85rem; margin: 0; }
.description { font-size: 1rem; }
.banner { background: var(--warn-bg); border-left: 4px solid #bf8700; padding: 0.5rem 0.75rem; border-radius: 4px; }
figure { margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--border); border-radius: 8px;
  background: #ffffff; color: #1f2328; color-scheme: light; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-size: 0.85rem; margin-top: 0.5rem; color: #59636e; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9rem; }
table.steps, table.causes { width: 100%; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
tr.fail td { background: var(--fail-bg); }
tr.fail td:first-child { box-shadow: inset 3px 0 0 var(--fail); }
tr.fail strong, .mark, .off { color: var(--fail); }
tr.invalid td { color: var(--muted); font-style: italic; }
tr.total td { border-bottom: none; }
.tag { font-size: 0.75rem; font-weight: 600; color: var(--accent); border: 1px solid currentColor; border-radius: 999px; padding: 0 0.4em; }
.bar { display: inline-block; width: 5rem; height: 0.5rem; background: var(--stripe); border-radius: 2px; vertical-align: middle; margin-left: 0.4rem; }
.bar > span { display: block; height: 100%; background: var(--accent); border-radius: 2px; }
ul.checks { list-style: none; padding: 0; }
ul.checks li { padding: 0.2rem 0; }
li.pass .mark { color: var(--pass); }
li.fail { color: var(--fail); }
.actual { color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; }
footer { margin-top: 2.5rem; font-size: 0.85rem; border-top: 1px solid var(--border); padding-top: 0.75rem; }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --border: #bbbbbb; --stripe: #f2f2f2; --fail-bg: #ffffff; }
  main { max-width: none; padding: 0; }
  figure, tr, li, dl { break-inside: avoid; }
  h2 { break-after: avoid; }
  .scroll { overflow: visible; }
  pre { white-space: pre-wrap; }
}
`;

/** Renders the report as a complete HTML document (`<!doctype html>` … `</html>`), ending with one newline. */
export function render(report: Report, chartSvg: string): string {
  return htmlPage(`overload: ${report.scenario.name}`, [...sections(report, chartSvg), footer(report)]);
}

/**
 * A self-contained page around `body` (HTML already escaped by its builder): the head with the
 * Content-Security-Policy and the one style, shared by every page overload writes.
 */
export function htmlPage(title: string, body: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
