/**
 * The chart's title and subtitle as lines of text: what the chart shows, then the notes a reader
 * needs to read it right (onset, theory, trials, invalid steps), word-wrapped because Vega does
 * not wrap text. Examples: test/unit/chart-spec.test.ts.
 */
import { formatLoad, unitLabel } from '../../format.ts';
import type { Report } from '../schema.ts';
import { sortByOffered } from '../render/shared.ts';
import { annotations } from './data.ts';

/**
 * Subtitle lines longer than this are wrapped: Vega does not wrap text, and a long line widens
 * the SVG. Headless Vega has no canvas to measure text and estimates a width of 0.8 × font size
 * per character (vega-scenegraph, `estimateWidth`): 78 characters at 11 px ≈ 690 px.
 */
const WRAP_AT = 78;

/** Greedy word wrap of one sentence into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width = WRAP_AT): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The title (what the chart shows) and the notes a reader needs to read it right. */
export function chartTitle(report: Report): { text: string[]; subtitle: string[] } {
  const { unit, onset, theory } = report;
  const n = report.steps.length;
  // Paragraphs, each wrapped: short sentences share a line, distinct topics start one.
  const notes: string[] = [];
  if (report.interrupted) notes.push('The run was interrupted: these are the steps measured before it stopped.');
  const summary: string[] = [];
  if (n > 0) summary.push(`${n} ${n === 1 ? 'step' : 'steps'} (${report.plan === 'search' ? 'onset search' : 'ramp'}), offered load in ${unitLabel(unit)}.`);
  summary.push(onset === null ? `No onset. ${report.onsetNote ?? ''}` : `Onset: ${formatLoad(onset.value, unit)} (${formatLoad(onset.low, unit)} passed).`);
  const predicted = theory?.onset ?? null;
  if (theory !== null && predicted === null) summary.push(theory.limitedBy === null ? 'The theory makes no prediction here.' : 'The theory predicts no onset.');
  if (predicted !== null) {
    const outside = n > 0 && annotations(report).theory === null ? ', outside the loads measured (no rule)' : '';
    summary.push(`Theory: ${formatLoad(predicted, unit)}${outside}.`);
  }
  notes.push(summary.join(' '));
  if (report.onsetSpread !== null) {
    const { min, max, trials } = report.onsetSpread;
    const range = min === max ? `${formatLoad(min, unit)} in each` : `${formatLoad(min, unit)} to ${formatLoad(max, unit)}`;
    notes.push(`Onset over ${trials} trials: ${range}; the steps drawn are the first trial's.`);
  }
  const invalid = sortByOffered(report.steps).filter((s) => !s.valid);
  if (invalid.length > 0) {
    const list = invalid.map((s) => `${formatLoad(s.offered, unit)} (${s.invalidReason ?? 'no reason given'})`).join('; ');
    notes.push(`Invalid steps, drawn hollow and faded: ${list}.`);
  }
  // The title is 15 px bold: 56 characters at the estimated 0.8 em fill the same width as WRAP_AT.
  const text = wrap(`${report.scenario.name}: capacity against offered load, ${report.model} model`, 56);
  return { text, subtitle: notes.flatMap((note) => wrap(note)) };
}
