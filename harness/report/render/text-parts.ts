/**
 * The terminal's building blocks, shared by the summary of a ramp or search (`text.ts`) and of a
 * timeline (`text-timeline.ts`): colours or plain ASCII, an asciichart line chart with labels
 * under its bands, and word wrap that ignores ANSI codes. Pure.
 */
import { plot } from 'asciichart';

/** How the terminal looks: whether ANSI colors (and box-drawing chart glyphs) are allowed, and its width in columns. */
export interface TextOptions {
  color: boolean;
  width: number;
}

export const ANSI = { bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', reset: '\x1b[0m' };
export type Style = keyof Omit<typeof ANSI, 'reset'>;

type Glyphs = [string, string, string, string, string, string, string, string, string, string];
/**
 * asciichart's glyph slots: first value on the axis (and the top row), axis, two unused, flat,
 * arriving lower, arriving higher, leaving downwards, leaving upwards, vertical. The first slot is
 * the plain axis glyph here: asciichart marks the top row and the first value with it, which reads
 * as a tick that means nothing.
 */
const ASCII_SYMBOLS: Glyphs = ['|', '|', '-', '-', '-', "'", '.', '.', "'", '|'];
const UNICODE_SYMBOLS: Glyphs = ['┤', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'];
/** Widest column band one step gets in a chart; wider bands only stretch flat lines. */
const MAX_BAND = 8;

/** `paint(style, text)`: the text in an ANSI style, or as it is without colour. */
export function painter(options: TextOptions): (style: Style, text: string) => string {
  return (style, text) => (options.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
}

/** What one chart shows: a value per step, its y-axis ceiling and label format, and its color. */
export interface ChartSpec {
  values: number[];
  max: number;
  height: number;
  format: (v: number) => string;
  color: 'red' | 'green';
}

/**
 * A line chart of one value per step. asciichart plots one value per column and draws the first
 * one on the y axis, so each step gets a band of `band` columns after the axis (its value
 * repeated, plus one trailing copy of the last so the last band is whole) and its offered load is
 * printed under the band's middle; a label that would touch the previous one is left out.
 */
export function chart(spec: ChartSpec, labels: string[], options: TextOptions): string[] {
  const { values, max, format } = spec;
  const labelWidth = Math.max(3, format(max).length, format(0).length);
  // Row layout from asciichart (offset 3): the y label, a space, the axis, then one column per value.
  const axisColumn = labelWidth + 1;
  const band = Math.max(2, Math.min(MAX_BAND, Math.floor((options.width - axisColumn - 1) / values.length)));
  const series = values.flatMap((v) => Array<number>(band).fill(v));
  series.push(values[values.length - 1] ?? 0);
  const body = plot(series, {
    min: 0,
    max,
    height: spec.height,
    format: (v) => format(v).padStart(labelWidth),
    symbols: options.color ? UNICODE_SYMBOLS : ASCII_SYMBOLS,
    ...(options.color ? { colors: [ANSI[spec.color]] } : {}),
  });
  const axis = Array<string>(axisColumn + 1 + values.length * band).fill(' ');
  let free = 0;
  labels.forEach((label, i) => {
    // Band i's flat part spans columns axisColumn + 1 + i·band … axisColumn + (i + 1)·band − 1.
    const middle = axisColumn + 1 + i * band + Math.floor((band - 2) / 2);
    const start = Math.max(free, middle - Math.floor((label.length - 1) / 2));
    if (start > middle) return;
    for (let c = 0; c < label.length; c++) axis[start + c] = label[c] ?? ' ';
    free = start + label.length + 1;
  });
  return [...body.split('\n'), axis.join('')].map((line) => line.trimEnd());
}

/** Greedy word wrap to `width` columns; continuation lines start with `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? `${indent}${word}` : `${line} ${word}`;
    if (visibleLength(candidate) > width && line !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Length as the terminal shows it: ANSI escape sequences take no columns. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

