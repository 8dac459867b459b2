/**
 * Which format a log is in, when `--log-format` is left out: the format whose shape most of the
 * first lines have (at least half of the non-blank ones), or null when none does.
 */
import type { LogFormat, LogParser } from './log-line.ts';

/** The format most of `lines` look like, or null. */
export function detectFormat(lines: readonly string[], parsers: readonly LogParser[]): LogFormat | null {
  const sample = lines.filter((line) => line.trim() !== '');
  if (sample.length === 0) return null;
  let best: { format: LogFormat; hits: number } | null = null;
  for (const parser of parsers) {
    const hits = sample.filter((line) => parser.looksLike(line)).length;
    if (best === null || hits > best.hits) best = { format: parser.format, hits };
  }
  return best !== null && best.hits * 2 >= sample.length ? best.format : null;
}
