import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { requireTool } from '../helpers/require-tool.ts';
import { frozenReportPath } from '../helpers/frozen-reports.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Flags from the machine's notes: without the background-networking ones Chromium dials Google at start. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const bin = fileURLToPath(new URL('../../harness/cli/bin.js', import.meta.url));
/** A frozen report's path, by file name (`closed-onset.json`). */
const frozen = (file: string): string => frozenReportPath(file.replace(/\.json$/, ''));
/** Screenshots land here for CI to keep as artefacts (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

describe('the HTML report in a real browser (headless Chromium)', function () {
  this.timeout(60_000);
  let dir = '';
  let context: BrowserContext | undefined;

  before(async function () {
    requireTool(this, CHROMIUM, 'apt-get install -y chromium');
    dir = await mkdtemp(path.join(tmpdir(), 'overload-browser-'));
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
  });

  after(async () => {
    await context?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  /** Renders a frozen report with the real CLI and opens it, recording every request and CSP refusal. */
  async function open(reportName: string) {
    const out = path.join(dir, reportName.replace('.json', ''));
    const rendered = spawnSync(process.execPath, [bin, 'report', frozen(reportName), '--format', 'html', '--out', out], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(rendered.status, 0, rendered.stderr);
    const url = pathToFileURL(path.join(out, 'report.html')).href;
    assert.ok(context);
    const page = await context.newPage();
    const requests: string[] = [];
    const refusals: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    // A Content-Security-Policy blocks a resource before any request event fires: count the refusal too.
    page.on('console', (message) => {
      if (/Refused to|violates the following Content Security Policy/i.test(message.text())) refusals.push(message.text());
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, url, requests, refusals };
  }

  it('shows the verdict, the chart and the onset rule, and the page asks for nothing but itself', async () => {
    const { page, url, requests, refusals } = await open('closed-onset.json');

    const verdict = page.getByTestId('verdict');
    assert.ok(await verdict.isVisible(), 'the verdict is visible');
    assert.match(await verdict.innerText(), /502s at 21 connections/);

    const chart = page.locator('[data-testid="chart"] svg').first();
    assert.ok(await chart.isVisible(), 'the chart is visible');
    const chartBox = await chart.boundingBox();
    assert.ok(chartBox !== null && chartBox.width > 400 && chartBox.height > 300, `the chart has a readable size (${JSON.stringify(chartBox)})`);

    // The onset rule's label is drawn inside the chart, where a reader's eye goes.
    const label = chart.getByText(/502s begin/).first();
    assert.ok(await label.isVisible(), 'the onset label is visible');
    const labelBox = await label.boundingBox();
    assert.ok(labelBox !== null && labelBox.x >= chartBox.x && labelBox.x <= chartBox.x + chartBox.width, 'the onset label sits inside the chart');
    assert.ok((await chart.locator('.mark-rule path, .mark-rule line').count()) >= 1, 'the chart draws a rule');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-closed.png'), fullPage: true });

    assert.deepEqual(requests, [url], 'the only request is the page itself');
    assert.deepEqual(refusals, [], 'nothing was refused by the page’s Content-Security-Policy');
    await page.close();
  });

  it('renders an open-model report in req/s with no request leaving the page', async () => {
    const { page, url, requests, refusals } = await open('open-onset.json');
    assert.match(await page.getByTestId('verdict').innerText(), /req\/s/);
    assert.ok(await page.locator('[data-testid="chart"] svg').first().isVisible());
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-open.png'), fullPage: true });
    assert.deepEqual(requests, [url]);
    assert.deepEqual(refusals, []);
    await page.close();
  });
});
