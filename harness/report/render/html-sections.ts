/**
 * The sections of the HTML report, in reading order: the verdict in one sentence, the chart, the
 * explanation, the onset beside the theory, the steps (by offered load, as in `markdown.ts`), the
 * causes, the expectations, the trials, then what was run, where, and by which version; and the
 * footer. Each returns HTML with every string taken from the report escaped (the scenario's
 * description is user text). The page around them is `html.ts`.
 */
import { formatCount, formatLoad, formatLoadValue, formatMs, formatPercent, formatRate, formatSeconds, unitLabel } from '../../format.ts';
import { largestFirst, topCount, totalCount } from '../../stats/counts.ts';
import { stepAgreement } from '../explain.ts';
import type { Report, StepResult } from '../schema.ts';
import { causeNoun, verdictSentence } from '../verdict.ts';
import { esc, prose, row, section, table } from './html-parts.ts';
import { timelineSection, timelineSummarySection } from './html-timeline.ts';
import { asSentence, describeCriterion, describeOutcomes, describeTargetTls, noCausesSentence, sortByOffered, theoryOnsetWords } from './shared.ts';

/** How the plan is named in the header; a Record, so a new plan kind must be named here. */
const PLAN_NAMES: Record<Report['plan'], string> = { search: 'onset search', ramp: 'ramp', timeline: 'timeline' };

/** The body's sections in reading order, without the footer; a section with nothing to say is left out. */
export function sections(report: Report, chartSvg: string): string[] {
  if (report.plan === 'timeline') {
    return [
      header(report),
      chart(report, chartSvg),
      explanation(report),
      timelineSummarySection(report),
      timelineSection(report),
      causesSection(report),
      expectationsSection(report),
      parametersSection(report),
      environmentSection(report),
    ].filter((part) => part !== '');
  }
  return [
    header(report),
    chart(report, chartSvg),
    explanation(report),
    onsetSection(report),
    stepsSection(report),
    causesSection(report),
    expectationsSection(report),
    trialsSection(report),
    parametersSection(report),
    environmentSection(report),
  ].filter((part) => part !== '');
}

function header(report: Report): string {
  const n = report.steps.length;
  const size = report.plan === 'timeline' ? formatSeconds(report.scenario.parameters.timeline.durationMs) : `${formatCount(n)} ${n === 1 ? 'step' : 'steps'}`;
  const what = `${report.scenario.name} · ${report.model} model, ${PLAN_NAMES[report.plan]}, ${size}`;
  const lines = ['<header>', `<p class="eyebrow">overload report · ${esc(what)}</p>`, `<h1 data-testid="verdict">${esc(verdictSentence(report))}</h1>`];
  if (report.scenario.description !== '') lines.push(`<p class="description">${esc(report.scenario.description)}</p>`);
  if (report.interrupted) {
    const held = report.plan === 'timeline' ? 'what was measured' : `the ${formatCount(n)} ${n === 1 ? 'step' : 'steps'} measured`;
    lines.push(`<p class="banner" role="alert">The run was interrupted: this report holds ${held} before it stopped.</p>`);
  }
  lines.push('</header>');
  return lines.join('\n');
}

/**
 * The chart as given, inline. It comes from our own renderer, not from the user; only an XML
 * declaration or doctype is dropped, which mean nothing inside HTML.
 */
function chart(report: Report, svg: string): string {
  const inline = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '').replace(/^\s*<!DOCTYPE[^>]*>\s*/i, '').trim();
  const timeline = report.plan === 'timeline';
  const none = report.steps.length === 0 && !timeline ? 'No chart: no step was measured.' : 'No chart was rendered.';
  const content = inline === '' ? `<p class="muted">${none}</p>` : inline;
  const caption = timeline ? 'Requests and failures per second against time, with the events marked; the numbers are in the table below.' : `The steps against offered ${unitLabel(report.unit)}; the numbers are in the table below.`;
  return `<figure data-testid="chart">\n${content}\n<figcaption>${esc(caption)}</figcaption>\n</figure>`;
}

function explanation(report: Report): string {
  if (report.explanation.length === 0) return '';
  return section('explanation', 'Explanation', report.explanation.map((sentence) => `<p>${prose(sentence)}</p>`));
}

function onsetSection(report: Report): string {
  const { onset, theory, capacity, unit } = report;
  const measured = onset === null ? 'none found' : `<strong>${esc(formatLoad(onset.value, unit))}</strong> (${esc(formatLoadValue(onset.low, unit))} passed, ${esc(formatLoadValue(onset.high, unit))} failed)`;
  const predicted = theory === null ? '—' : esc(theoryOnsetWords(theory, unit));
  const words = [0, 1, 2];
  const rows = [row('th', ['', 'measured', 'theory'], '', words), row('td', ['onset', measured, predicted], '', words)];
  if (report.onsetSpread !== null) {
    const { min, max, trials } = report.onsetSpread;
    rows.push(row('td', [`onset over ${formatCount(trials)} trials`, esc(`${formatLoadValue(min, unit)} to ${formatLoad(max, unit)}`), ''], '', words));
  }
  const capacityRps = theory?.capacityRps ?? null;
  const capacityMeasured = capacity === null ? '—' : esc(`${formatRate(capacity.maxGoodputRps)} req/s at ${formatLoad(capacity.atOffered, unit)}`);
  rows.push(row('td', ['capacity (2xx)', capacityMeasured, capacityRps === null ? '—' : esc(`${formatRate(capacityRps)} req/s`)], '', words));
  const notes: string[] = [];
  if (onset === null && report.onsetNote !== null && !report.explanation.includes(report.onsetNote)) {
    notes.push(`<p><strong>No onset.</strong> ${prose(report.onsetNote)}</p>`);
  }
  const criterion = onset?.criterion ?? report.scenario.parameters.criterion;
  notes.push(`<p>Criterion: a step fails when ${esc(describeCriterion(criterion))}.</p>`);
  if (theory !== null) {
    const service = theory.serviceMsMeasured === null ? '' : ` with the measured service time S = ${formatMs(theory.serviceMsMeasured)}`;
    const limit = theory.limitedBy === null ? '' : ` First limit: the ${theory.limitedBy}.`;
    notes.push(`<p>${esc(`Theory${service}: `)}${prose(asSentence(theory.basis))}${esc(limit)}</p>`);
  }
  return section('onset', 'Onset and theory', [table(rows, 'compact'), ...notes]);
}

function stepsSection(report: Report): string {
  const { steps, unit, onset } = report;
  if (steps.length === 0) return section('steps', 'Steps', ['<p>No step was measured.</p>']);
  const withPrediction = steps.some((s) => s.predictedFailureRatio !== null);
  const withIntended = steps.some((s) => s.latencyMs.fromIntended !== null);
  const heads = ['#', unitLabel(unit), 'sent', '2xx/s', 'failure', ...(withPrediction ? ['predicted'] : []), 'statuses', 'top cause', 'ok p50', 'ok p99', ...(withIntended ? ['p99 from intended'] : []), 'valid'];
  const words = ['statuses', 'top cause', 'valid'].map((head) => heads.indexOf(head));
  const rows = sortByOffered(steps).map((step) => {
    const failure = formatPercent(step.failureRatio);
    const top = topCount(step.causes);
    const ok = step.latencyMs.ok;
    const cells = [
      formatCount(step.index + 1),
      esc(formatLoadValue(step.offered, unit)) + (onset !== null && step.offered === onset.value && !step.passed ? ' <span class="tag">onset</span>' : ''),
      formatCount(step.sent),
      formatRate(step.goodputRps),
      step.passed ? failure : `<strong>${failure}</strong> <span class="mark" title="failed the criterion">✗</span>`,
      ...(withPrediction ? [predictedCell(step)] : []),
      esc(describeOutcomes(step)),
      top === null ? '—' : esc(`${top.key} (${formatCount(top.count)})`),
      ok === null ? '—' : formatMs(ok.p50),
      ok === null ? '—' : formatMs(ok.p99),
      ...(withIntended ? [step.latencyMs.fromIntended === null ? '—' : formatMs(step.latencyMs.fromIntended.p99)] : []),
      step.valid ? '✓' : `✗ ${esc(step.invalidReason ?? 'invalid')}`,
    ];
    const classes = [step.passed ? '' : 'fail', step.valid ? '' : 'invalid'].filter((c) => c !== '').join(' ');
    return row('td', cells, classes, words);
  });
  const intro = [
    `<p class="muted">${report.trials.length > 1 ? 'Steps of the first trial, sorted' : 'Sorted'} by offered load; # is the order the steps ran in. Rows that failed the criterion are marked ✗; invalid steps (the load generator was the bottleneck) are greyed and not judged. Latencies are of 2xx responses, as HDR-histogram percentiles.${withPrediction ? ' The predicted failure ratio is the theory’s at that load; ≠ marks a disagreement beyond the noise.' : ''}</p>`,
  ];
  return section('steps', 'Steps', [...intro, `<div class="scroll">${table([row('th', heads, '', words), ...rows], 'steps')}</div>`]);
}

function predictedCell(step: StepResult): string {
  if (step.predictedFailureRatio === null) return '—';
  const agreement = stepAgreement(step);
  const value = formatPercent(step.predictedFailureRatio);
  if (agreement === null || agreement.agrees) return value;
  return `<span class="off" title="disagrees with the measurement beyond the noise (±${formatPercent(agreement.tolerance)})">≠ ${value}</span>`;
}

function causesSection(report: Report): string {
  const sum = totalCount(report.causes);
  if (sum === 0) return section('causes', 'Causes', [`<p>${esc(noCausesSentence(report))}</p>`]);
  const rows = largestFirst(report.causes).map(([cause, n]) => {
    const share = n / sum;
    // A bar as wide as the share, drawn by CSS: no image, nothing to load.
    const bar = `<span class="bar"><span style="width: ${(share * 100).toFixed(1)}%"></span></span>`;
    return row('td', [`<code>${esc(cause)}</code>`, esc(causeNoun(cause)), formatCount(n), `${formatPercent(share)} ${bar}`], '', [0, 1]);
  });
  if (rows.length > 1) rows.push(row('td', ['<strong>total</strong>', '', `<strong>${formatCount(sum)}</strong>`, '100 %'], 'total', [0, 1]));
  return section('causes', 'Causes', [table([row('th', ['cause', 'what it is', 'count', 'share'], '', [0, 1]), ...rows], 'causes')]);
}

function expectationsSection(report: Report): string {
  if (report.expectations.length === 0) return '';
  const items = report.expectations.map((e) => {
    const mark = e.passed ? '<span class="mark" aria-label="passed">✓</span>' : '<span class="mark" aria-label="failed">✗</span>';
    return `<li class="${e.passed ? 'pass' : 'fail'}">${mark} ${esc(e.description)}: <span class="actual">${esc(e.actual)}</span></li>`;
  });
  const held = report.expectations.filter((e) => e.passed).length;
  return section('expectations', 'Expectations', [`<p class="muted">${formatCount(held)} of ${formatCount(report.expectations.length)} held.</p>`, `<ul class="checks">\n${items.join('\n')}\n</ul>`]);
}

function trialsSection(report: Report): string {
  if (report.trials.length === 0) return '';
  const { unit } = report;
  const rows = report.trials.map((trial) => {
    const o = trial.onset;
    return row('td', [formatCount(trial.index + 1), String(trial.seed), o === null ? 'none' : esc(formatLoad(o.value, unit)), o === null ? '—' : esc(formatLoadValue(o.low, unit)), o === null ? '—' : esc(formatLoadValue(o.high, unit)), formatCount(trial.steps.length)], '', []);
  });
  return section('trials', 'Trials', [table([row('th', ['#', 'seed', 'onset', 'passed', 'failed', 'steps'], '', []), ...rows], 'compact')]);
}

function parametersSection(report: Report): string {
  // The resolved scenario (after --set) in full: a reader can rerun exactly this.
  return section('parameters', 'Scenario parameters', [`<pre>${esc(JSON.stringify(report.scenario.parameters, null, 2))}</pre>`]);
}

function environmentSection(report: Report): string {
  const env = report.environment;
  const items: [string, string][] = [
    ['Node', env.node],
    ['platform', env.platform],
    ['CPU', `${formatCount(env.cpus)} × ${env.cpuModel}`],
    ['gateway', `${report.gateway.kind}, ${report.gateway.profile} profile`],
  ];
  if (report.target !== undefined) {
    const { url, pinnedAddress, authorizedBy } = report.target;
    items.push(['target', `${url}, every connection to ${pinnedAddress} (authorized: ${authorizedBy}); the scenario's upstream and gateway settings were not used`]);
    if (report.target.tls !== undefined) items.push(['tls', describeTargetTls(report.target.tls)]);
  }
  return section('environment', 'Environment', [`<dl>\n${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('\n')}\n</dl>`]);
}

/** The page's last line: the tool, its version, the report schema and when the report was created. */
export function footer(report: Report): string {
  const tool = `${report.tool.name} ${report.tool.version}, report schema ${report.schemaVersion}`;
  return `<footer>${esc(tool)}, created <time datetime="${esc(report.createdAt)}">${esc(report.createdAt)}</time></footer>`;
}
