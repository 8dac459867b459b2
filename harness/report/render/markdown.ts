/**
 * The report as a GitHub-flavoured markdown summary (`report.md`): the verdict first, then the
 * evidence (onset beside theory, the steps, the causes), then what was run and where. Returns a
 * string and writes nothing (STYLE.md, example 1); `report/write.ts` puts it on disk.
 *
 * The steps table is sorted by offered load, not by the order the steps ran: an onset search
 * jumps about (1, 2, 4, …, 32, 24, 20, 22, 21), and only in load order do the passing and
 * failing loads sit next to each other, with goodput flat and the failure ratio climbing. The
 * `#` column keeps the run order, so the search path can still be read.
 */
import { formatCount, formatLoad, formatLoadValue, formatMs, formatPercent, formatRate, formatSetting, unitLabel } from '../../format.ts';
import { largestFirst, topCount, totalCount } from '../../stats/counts.ts';
import type { Report, StepResult } from '../schema.ts';
import { stepAgreement } from '../explain.ts';
import { asSentence, describeCriterion, describeOutcomes, describeTargetTls, markdownCell as cell, noCausesSentence, sortByOffered, theoryOnsetWords } from './shared.ts';
import { timelineSection, timelineVerdict } from './markdown-timeline.ts';
import { describeTimelinePlan } from './timeline-shared.ts';

/** Renders the whole report as markdown, ending with one newline. */
export function render(report: Report): string {
  const timeline = report.plan === 'timeline';
  const sections = [
    title(report),
    interruptedNote(report),
    timeline ? timelineVerdict(report) : verdict(report),
    timeline ? timelineSection(report) : stepsSection(report),
    causesSection(report),
    expectationsSection(report),
    parametersSection(report),
    environmentSection(report),
  ].filter((section): section is string => section !== null);
  return `${sections.join('\n\n')}\n`;
}

function title(report: Report): string {
  const heading = `# overload report: ${report.scenario.name}`;
  const description = report.scenario.description;
  return description === '' ? heading : `${heading}\n\n${description}`;
}

function interruptedNote(report: Report): string | null {
  if (!report.interrupted) return null;
  const n = report.steps.length;
  if (report.plan === 'timeline') return ['> [!WARNING]', '> The run was interrupted: this report holds what was measured before it stopped.'].join('\n');
  return [
    '> [!WARNING]',
    `> The run was interrupted: this report holds the ${formatCount(n)} ${n === 1 ? 'step' : 'steps'} measured before it stopped.`,
  ].join('\n');
}

function verdict(report: Report): string {
  const { onset, theory, capacity, unit } = report;
  const lines = ['## Verdict', ''];
  if (report.explanation.length > 0) lines.push(...report.explanation, '');

  const theoryOnset = theory === null ? '—' : theoryOnsetWords(theory, unit);
  const measuredOnset =
    onset === null
      ? 'none found'
      : `**${formatLoad(onset.value, unit)}** (${formatLoadValue(onset.low, unit)} passed, ${formatLoadValue(onset.high, unit)} failed)`;
  const capacityRps = theory?.capacityRps ?? null;
  const theoryCapacity = capacityRps === null ? '—' : `${formatRate(capacityRps)} req/s`;
  const measuredCapacity =
    capacity === null ? '—' : `${formatRate(capacity.maxGoodputRps)} req/s at ${formatLoad(capacity.atOffered, unit)}`;
  lines.push('| | measured | theory |', '|:--|:--|:--|', `| onset | ${cell(measuredOnset)} | ${cell(theoryOnset)} |`);
  if (report.onsetSpread !== null) {
    const { min, max, trials } = report.onsetSpread;
    lines.push(`| onset over ${formatCount(trials)} trials | ${formatLoadValue(min, unit)} to ${formatLoad(max, unit)} | |`);
  }
  lines.push(`| capacity (2xx) | ${cell(measuredCapacity)} | ${cell(theoryCapacity)} |`, '');

  // The explanation usually quotes the note already; say it once.
  if (onset === null && report.onsetNote !== null && !report.explanation.includes(report.onsetNote)) {
    lines.push(`**No onset.** ${report.onsetNote}`, '');
  }
  const criterion = onset?.criterion ?? report.scenario.parameters.criterion;
  lines.push(`Criterion: a step fails when ${describeCriterion(criterion)}.`);
  if (report.target !== undefined) {
    const { url, pinnedAddress, authorizedBy, tls } = report.target;
    lines.push(`Target: ${cell(url)}, every connection to ${pinnedAddress} (authorized: ${authorizedBy}); the scenario's upstream and gateway settings were not used.`);
    if (tls !== undefined) lines.push(`TLS: ${cell(describeTargetTls(tls))}.`);
  }
  if (theory !== null) {
    const service = theory.serviceMsMeasured === null ? '' : ` with the measured service time S = ${formatMs(theory.serviceMsMeasured)}`;
    const limit = theory.limitedBy === null ? '' : ` First limit: the ${theory.limitedBy}.`;
    lines.push(`Theory${service}: ${asSentence(theory.basis)}${limit}`);
  }
  return lines.join('\n');
}

function stepsSection(report: Report): string {
  const head = [
    '## Steps',
    '',
    'Sorted by offered load; `#` is the order the steps ran in. Failure ratios in **bold** failed the criterion.',
    'Latencies are of 2xx responses, as HDR-histogram percentiles.',
  ];
  if (report.steps.length === 0) return [...head, '', 'No step was measured.'].join('\n');
  const rows = sortByOffered(report.steps).map((step) => stepRow(step, report.unit));
  return [
    ...head,
    'The predicted failure ratio is the theory’s at that load (— where it predicts none); ≠ marks a disagreement beyond the noise.',
    '',
    `| # | ${unitLabel(report.unit)} | sent | 2xx/s | failure | predicted | statuses | top cause | ok p50 | ok p99 | valid |`,
    '|--:|--:|--:|--:|--:|--:|:--|:--|--:|--:|:--|',
    ...rows,
  ].join('\n');
}

function stepRow(step: StepResult, unit: Report['unit']): string {
  const failure = formatPercent(step.failureRatio);
  const top = topCount(step.causes);
  const ok = step.latencyMs.ok;
  const agreement = stepAgreement(step);
  const predicted = step.predictedFailureRatio === null ? '—' : `${agreement?.agrees === false ? '≠ ' : ''}${formatPercent(step.predictedFailureRatio)}`;
  const cells = [
    formatCount(step.index + 1),
    formatLoadValue(step.offered, unit),
    formatCount(step.sent),
    formatRate(step.goodputRps),
    step.passed ? failure : `**${failure}**`,
    predicted,
    describeOutcomes(step),
    top === null ? '—' : `${top.key} (${formatCount(top.count)})`,
    ok === null ? '—' : formatMs(ok.p50),
    ok === null ? '—' : formatMs(ok.p99),
    step.valid ? '✓' : `✗ ${step.invalidReason ?? 'invalid'}`,
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

function causesSection(report: Report): string {
  const entries = largestFirst(report.causes);
  const sum = totalCount(report.causes);
  if (sum === 0) return `## Causes\n\n${noCausesSentence(report)}`;
  const rows = entries.map(([cause, n]) => `| ${cell(cause)} | ${formatCount(n)} | ${formatPercent(n / sum)} |`);
  if (entries.length > 1) rows.push(`| **total** | **${formatCount(sum)}** | 100 % |`);
  return ['## Causes', '', '| cause | count | share |', '|:--|--:|--:|', ...rows].join('\n');
}

function expectationsSection(report: Report): string | null {
  if (report.expectations.length === 0) return null;
  const lines = report.expectations.map((e) => `- ${e.passed ? '✓' : '✗'} ${e.description}: ${e.actual}`);
  return ['## Expectations', '', ...lines].join('\n');
}

/** A configured duration: whole milliseconds stay whole (`5,000 ms`), fractions get formatMs's precision. */
function configuredMs(ms: number): string {
  return Number.isInteger(ms) ? `${formatCount(ms)} ms` : formatMs(ms);
}

function parametersSection(report: Report): string {
  const p = report.scenario.parameters;
  const { unit } = report;
  let model: string;
  switch (p.model) {
    case 'closed':
      model = 'closed';
      break;
    case 'open':
      model = `open (${p.load.arrivals} arrivals)`;
      break;
  }
  let plan: string;
  switch (report.plan) {
    case 'search':
      plan = `onset search from ${formatLoad(p.search.start, unit)} (precision ${formatSetting(p.search.precision)}, at most ${formatCount(p.search.maxSteps)} steps)`;
      break;
    case 'ramp':
      plan = `ramp from ${formatLoadValue(p.ramp.from, unit)} to ${formatLoad(p.ramp.to, unit)} by ${formatLoadValue(p.ramp.step, unit)} (stops after ${formatCount(p.ramp.stopAfterFailures)} failing steps)`;
      break;
    case 'timeline':
      plan = `timeline: ${describeTimelinePlan(report)}`;
      break;
  }
  const u = p.upstream;
  const g = p.gateway;
  const body = p.load.body === undefined ? '' : ' with a body';
  const timeline = report.plan === 'timeline';
  // The faults a scenario switched on, so the parameters say what made it fail.
  const faults = [
    u.connectionLimit > 0 ? `at most ${formatCount(u.connectionLimit)} connections` : '',
    u.invalidEvery > 0 ? `every ${formatCount(u.invalidEvery)}th response malformed` : '',
    u.work === 'cpu' ? 'CPU-bound work' : '',
    u.connection === 'close' ? 'Connection: close' : '',
    u.acceptRate > 0 ? `a firewall at ${formatCount(u.acceptRate)} new connections/s` : '',
    u.crashAboveInFlight > 0 ? `crashes above ${formatCount(u.crashAboveInFlight)} in flight, restarts after ${configuredMs(u.restartDelayMs)}` : '',
    u.finDelayMs > 0 ? `its FIN delayed ${configuredMs(u.finDelayMs)} on the way to the gateway` : '',
  ].filter((fault) => fault !== '');
  const dns = g.upstreamName === '' ? '' : `, resolves ${g.upstreamName} (TTL ${configuredMs(g.dnsTtlMs)})`;
  const arrivals = p.load.burst > 1 ? `, in bursts of ${formatCount(p.load.burst)}` : '';
  const step = timeline ? '' : `, step ${configuredMs(p.load.stepMs)}`;
  return [
    '## Scenario parameters',
    '',
    `- model: ${model}; ${plan}; seed ${p.seed}`,
    `- upstream: C = ${formatCount(u.workers)} workers, S = ${configuredMs(u.serviceMs)} (${u.serviceDistribution}), Q = ${formatCount(u.queue)}, shed: ${u.shed}, keep-alive ${configuredMs(u.keepAliveTimeoutMs)}${faults.length === 0 ? '' : `; ${faults.join('; ')}`}`,
    `- gateway: ${g.kind}, ${g.profile} profile, pool ${formatCount(g.poolConnections)}, queueLimit ${formatCount(g.queueLimit)}, retries ${g.retries}, connect timeout ${configuredMs(g.connectTimeoutMs)}, upstream timeout ${configuredMs(g.upstreamTimeoutMs)}${dns}`,
    `- load: ${p.load.method} ${p.load.path}${body}${arrivals}${step}, client timeout ${configuredMs(p.load.clientTimeoutMs)}`,
    `- criterion: a ${timeline ? 'bucket' : 'step'} fails when ${describeCriterion(p.criterion)}`,
    `- caps: ${formatCount(p.caps.maxConnections)} connections, ${formatCount(p.caps.maxRps)} req/s, ${formatCount(p.caps.maxDurationS)} s, ${formatCount(p.caps.maxRequests)} requests`,
  ].join('\n');
}

function environmentSection(report: Report): string {
  const env = report.environment;
  return [
    '## Environment',
    '',
    `- ${report.tool.name} ${report.tool.version}, report schema ${report.schemaVersion}, created ${report.createdAt}`,
    `- Node ${env.node} on ${env.platform}, ${formatCount(env.cpus)} CPUs (${env.cpuModel})`,
    `- gateway: ${report.gateway.kind}, ${report.gateway.profile} profile`,
  ].join('\n');
}

