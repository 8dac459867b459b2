import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { compile } from 'vega-lite';
import { annotations, chartSpec } from '../../harness/report/chart/spec.ts';
import { renderChartSvg } from '../../harness/report/chart/render.ts';
import { render } from '../../harness/report/render/svg.ts';
import { parseReport } from '../../harness/report/report-schema.ts';
import type { Report } from '../../harness/report/schema.ts';

const DIR = new URL('../fixtures/reports/', import.meta.url);

/** Every frozen report this version reads (a fixture of a future schema is there to be refused). */
const FIXTURES: [string, Report][] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .flatMap((file): [string, Report][] => {
    try {
      return [[file.replace(/\.json$/, ''), parseReport(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')))]];
    } catch {
      return [];
    }
  });

/** Checks that every opened tag is closed in order: the SVG parses as XML. */
function assertBalancedTags(svg: string): void {
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue;
    if (closing === '/') assert.equal(open.pop(), name, `</${name}> closes another tag`);
    else open.push(name ?? '');
  }
  assert.deepEqual(open, [], 'tags left open');
}

describe('SVG renderer', function () {
  // Loading Vega and the first render take a second or two; each report is rendered once.
  this.timeout(30_000);
  const svgs = new Map<string, string>();

  before(async () => {
    for (const [name, report] of FIXTURES) svgs.set(name, await render(report));
  });

  it('has the frozen reports to render, the closed and no-onset ones among them', () => {
    const names = FIXTURES.map(([name]) => name);
    assert.ok(names.includes('closed-onset') && names.includes('no-onset-503'), names.join(', '));
  });

  for (const [name, report] of FIXTURES) {
    describe(name, () => {
      const svg = (): string => svgs.get(name) ?? '';

      it('is one well-formed SVG document ending with a newline', () => {
        assert.ok(svg().startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg().slice(0, 80));
        assert.ok(svg().endsWith('</svg>\n'));
        assertBalancedTags(svg());
      });

      it('requests nothing: no URL outside the xmlns attributes, no image, no import, no web font', () => {
        const body = svg().replaceAll(/\sxmlns(:\w+)?="[^"]*"/g, '');
        assert.doesNotMatch(body, /https?:/);
        assert.doesNotMatch(body, /<image/);
        assert.doesNotMatch(body, /@import|url\(\s*['"]?(https?:|data:|\/\/)/);
        assert.doesNotMatch(body, /@font-face/);
        assert.match(body, /font-family="system-ui, [^"]*sans-serif"/);
      });

      const label = annotations(report).onset?.label;
      if (label === undefined) {
        const noSteps = report.steps.length === 0 && report.timeline === undefined;
        it(noSteps ? 'says no step was measured' : 'has no onset label', () => {
          assert.equal(svg().includes('No step was measured.'), noSteps);
          assert.equal(svg().includes(' begin: '), false);
        });
      } else {
        it(`labels the onset: "${label}"`, () => assert.ok(svg().includes(`>${label}</text>`)));
      }

      it('compiles without a Vega-Lite warning', () => {
        const warnings: unknown[] = [];
        const logger = {
          level: () => logger,
          warn: (...args: unknown[]) => (warnings.push(args), logger),
          info: () => logger,
          debug: () => logger,
          error: (...args: unknown[]) => (warnings.push(args), logger),
        };
        compile(chartSpec(report), { logger });
        assert.deepEqual(warnings, []);
      });
    });
  }

  it('gives the same bytes for the same report, render after render', async () => {
    const [, report] = FIXTURES.find(([name]) => name === 'closed-onset') ?? [];
    assert.ok(report !== undefined);
    assert.equal(await render(report), svgs.get('closed-onset'));
    assert.equal(`${await renderChartSvg(chartSpec(report))}\n`, svgs.get('closed-onset'));
  });
});
