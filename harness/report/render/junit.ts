/**
 * The report as JUnit XML (`junit.xml`), the common dialect that Jenkins, GitLab and the GitHub
 * test-report actions read: `<testsuites>` › `<testsuite name tests failures errors skipped time>` ›
 * `<testcase classname name time>` with `<failure message type>` or `<skipped message>`.
 *
 * Test cases: one per expectation of the scenario (a failed one is a `<failure>`); with a
 * comparison, one per compared metric (regressed: `<failure>`, insufficient data: `<skipped>`);
 * and "run completed" when there is nothing else to report, or when the run was interrupted (a
 * CI job must not go green on a partial run whose few expectations happened to hold).
 * Returns a string and writes nothing.
 */
import { formatCount, formatPercent, formatSetting } from '../../format.ts';
import type { Comparison, MetricComparison, MetricInterval } from '../comparison.ts';
import type { Report, StepResult } from '../schema.ts';
import { verdictSentence } from '../verdict.ts';

/** One `<testcase>`: its outcome and the text CI shows with it. */
interface TestCase {
  classname: string;
  name: string;
  seconds: number;
  outcome: { kind: 'passed'; output: string } | { kind: 'failed'; message: string; type: string; detail: string } | { kind: 'skipped'; message: string };
}

/** One `<testsuite>`. */
interface Suite {
  name: string;
  seconds: number;
  cases: TestCase[];
  /** The suite's `<system-out>`: what a reader wants beside the cases. */
  output: string;
}

/** Renders the report (and the comparison against a baseline, when there is one) as JUnit XML, ending with one newline. */
export function render(report: Report, comparison?: Comparison): string {
  const seconds = runSeconds(report);
  const suites = [runSuite(report, seconds, comparison?.metrics.length ?? 0)];
  if (comparison !== undefined) suites.push(compareSuite(report, comparison));
  const cases = suites.flatMap((suite) => suite.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'overload', tests: cases.length, failures: count(cases, 'failed'), errors: 0, skipped: count(cases, 'skipped'), time: secondsAttr(seconds) })}>`,
    ...suites.filter((suite) => suite.cases.length > 0).flatMap((suite) => suiteLines(report, suite)),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function runSuite(report: Report, seconds: number, compared: number): Suite {
  const cases: TestCase[] = report.expectations.map((e) => ({
    classname: `overload.${report.scenario.name}.expect`,
    name: e.description,
    seconds: 0,
    outcome: e.passed ? { kind: 'passed', output: `measured: ${e.actual}` } : { kind: 'failed', message: `${e.description}: measured ${e.actual}`, type: 'expectation', detail: `measured: ${e.actual}` },
  }));
  if (report.interrupted || cases.length + compared === 0) {
    const n = report.steps.length;
    const steps = report.timeline !== undefined ? 'The timeline was' : `${formatCount(n)} ${n === 1 ? 'step' : 'steps'}`;
    const message =
      report.plan === 'timeline'
        ? 'The run was interrupted; the report holds what was measured before it stopped.'
        : n === 0
          ? 'The run was interrupted before any step was measured.'
          : `The run was interrupted after ${steps}; the report holds what was measured before it stopped.`;
    cases.unshift({
      classname: `overload.${report.scenario.name}`,
      name: 'run completed',
      seconds,
      outcome: report.interrupted ? { kind: 'failed', message, type: 'interrupted', detail: message } : { kind: 'passed', output: `${steps} measured.` },
    });
  }
  return { name: report.scenario.name, seconds, cases, output: [verdictSentence(report), ...report.explanation.slice(1)].join('\n') };
}

function compareSuite(report: Report, comparison: Comparison): Suite {
  const cases = comparison.metrics.map((metric): TestCase => {
    const base = { classname: `overload.${report.scenario.name}.compare`, name: metric.label, seconds: 0 };
    switch (metric.verdict) {
      case 'regressed':
        return { ...base, outcome: { kind: 'failed', message: metric.reason, type: 'regression', detail: metricDetail(metric, comparison.tolerance) } };
      case 'insufficient-data':
        return { ...base, outcome: { kind: 'skipped', message: metric.reason } };
      case 'improved':
      case 'unchanged':
        return { ...base, outcome: { kind: 'passed', output: `${metric.verdict}: ${metric.reason}` } };
    }
  });
  const output = [`Compared with the baseline of ${comparison.baseline.createdAt} (tolerance ${formatSetting(comparison.tolerance)}).`, ...comparison.warnings].join('\n');
  return { name: `${report.scenario.name}: compare with baseline`, seconds: 0, cases, output };
}

/** The numbers behind a regression, one per line, for the failure's body. */
function metricDetail(metric: MetricComparison, tolerance: number): string {
  const side = (interval: MetricInterval | null): string => {
    if (interval === null) return 'none';
    const range = interval.low === interval.high ? '' : ` (${plain(interval.low)} to ${plain(interval.high)}, ${interval.trials} ${interval.trials === 1 ? 'trial' : 'trials'})`;
    return `${plain(interval.median)} ${metric.unit}${range}`;
  };
  return [
    `baseline: ${side(metric.baseline)}`,
    `current: ${side(metric.current)}`,
    `change: ${metric.change === null ? 'n/a' : `${metric.change > 0 ? '+' : metric.change < 0 ? '−' : ''}${formatPercent(Math.abs(metric.change))}`}`,
    `tolerance: ${formatSetting(tolerance)}`,
  ].join('\n');
}

/** A number as plain text with at most two decimals: the failure body is read by people and by greps alike. */
function plain(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function suiteLines(report: Report, suite: Suite): string[] {
  const { cases } = suite;
  const head = attrs({ name: suite.name, tests: cases.length, failures: count(cases, 'failed'), errors: 0, skipped: count(cases, 'skipped'), time: secondsAttr(suite.seconds), timestamp: timestamp(report.createdAt) });
  const properties: Record<string, string> = {
    scenario: report.scenario.name,
    model: report.model,
    gateway: `${report.gateway.kind} (${report.gateway.profile} profile)`,
    tool: `${report.tool.name} ${report.tool.version}`,
    node: report.environment.node,
    platform: report.environment.platform,
  };
  return [
    `  <testsuite${head}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases.flatMap(caseLines),
    `    <system-out>${text(suite.output)}</system-out>`,
    '  </testsuite>',
  ];
}

function caseLines(c: TestCase): string[] {
  const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: secondsAttr(c.seconds) })}>`;
  const { outcome } = c;
  switch (outcome.kind) {
    case 'passed':
      return [open, `      <system-out>${text(outcome.output)}</system-out>`, '    </testcase>'];
    case 'failed':
      return [open, `      <failure${attrs({ message: outcome.message, type: outcome.type })}>${text(outcome.detail)}</failure>`, '    </testcase>'];
    case 'skipped':
      return [open, `      <skipped${attrs({ message: outcome.message })}/>`, '    </testcase>'];
  }
}

function count(cases: readonly TestCase[], kind: TestCase['outcome']['kind']): number {
  return cases.filter((c) => c.outcome.kind === kind).length;
}

/** How long the run measured: every step's window, tail and drain, over every trial. */
function runSeconds(report: Report): number {
  if (report.timeline !== undefined) return report.timeline.durationMs / 1000;
  const steps: StepResult[] = report.trials.length > 0 ? report.trials.flatMap((trial) => trial.steps) : report.steps;
  return steps.reduce((sum, step) => sum + step.durationMs + step.tailMs + step.drainMs, 0) / 1000;
}

function secondsAttr(seconds: number): string {
  return seconds.toFixed(3);
}

/**
 * The report's time without its zone and fraction: the Jenkins JUnit XSD types `timestamp` as
 * `yyyy-mm-ddThh:mm:ss` (and createdAt is UTC, as the tools that read it assume).
 */
function timestamp(createdAt: string): string {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(createdAt);
  return match === null ? createdAt : match[0];
}

function attrs(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values).map(([name, value]) => ` ${name}="${attribute(String(value))}"`).join('');
}

/**
 * Characters XML 1.0 forbids even as character references (§2.2: C0 controls but tab, LF and CR;
 * U+FFFE, U+FFFF) and unpaired surrogates, which no UTF-8 encoder can write.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Makes forbidden characters visible (`\u0007`) instead of dropping them, so no byte vanishes silently. */
function legal(value: string): string {
  return value.replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** XML's predefined entities, and references for the whitespace a parser would otherwise normalise. */
const REFERENCES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Escapes element text; CR as a reference, since a parser turns a literal CR LF into LF (XML 1.0 §2.11). */
function text(value: string): string {
  return legal(value).replace(/[&<>\r]/g, (c) => REFERENCES[c] ?? c);
}

/** Escapes an attribute value; tab, LF and CR as references, since a parser turns literal ones into spaces (XML 1.0 §3.3.3). */
function attribute(value: string): string {
  return legal(value).replace(/[&<>"'\t\n\r]/g, (c) => REFERENCES[c] ?? c);
}
