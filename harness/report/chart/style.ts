/**
 * The look every chart shares: plot width, font, the 502 red and the outcome colours, and Vega's
 * config. One place, so the capacity chart (`spec.ts`) and the timeline chart (`timeline-spec.ts`)
 * read as one family.
 */
import type { Outcome } from './data.ts';

/** Width of each panel's plot, px: with the y axis it makes a chart of about 720 px, which fits a README column. */
export const PLOT_WIDTH = 640;
/** The font: a generic family, so the SVG needs no web font and renders the same offline. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';

/** 502 is the colour a person looks for: a strong red that no other series uses. */
export const RED_502 = '#d00000';
/** Okabe–Ito colours (colour-blind-safe), apart from the 502 red; grey for what matters least. */
export const OUTCOME_COLOURS: Record<Outcome, string> = {
  '502': RED_502,
  'client error': '#222222',
  '504': '#cc79a7',
  '503': '#e69f00',
  'other status': '#aaaaaa',
  '2xx': '#56b4e9',
};

/** Styling for every chart: generic font, white background (readable on a dark-mode page), legends on top to keep the width. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#dddddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eeeeee', labelColor: '#333333', titleColor: '#333333' },
  // labelLimit: the estimated widths (see WRAP_AT in chart/title.ts) would cut `throughput (all responses/s)` at the default 160 px.
  legend: { orient: 'top', labelFontSize: 11, labelLimit: 320, symbolStrokeWidth: 2, columnPadding: 12, offset: 6 },
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#444444', subtitlePadding: 6, offset: 10 },
} as const;

