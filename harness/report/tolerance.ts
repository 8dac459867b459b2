/**
 * Reading `overload compare --tolerance` (and `overload run --tolerance`): the one job of this file
 * is to turn the user's percentage into the fraction {@link compare} takes, or to refuse it with
 * the fix. Examples: test/unit/compare.test.ts, "reads --tolerance".
 */
import { OverloadError } from '../errors.ts';
import { formatSetting } from '../format.ts';

/**
 * Reads `--tolerance`: a percentage, `5%`, `5 %` or a bare `5`, from 0 to 100 %; returns the
 * fraction (0.05). A bare number below 1 (`0.05`) is refused: it reads as 5 % to some and as
 * 0.05 % to others, and a silent factor of 100 in a CI gate would pass every regression.
 * Examples: test/unit/compare.test.ts, "reads --tolerance".
 * @throws OverloadError `USAGE` (exit 2) naming the value and the fix.
 */
export function parseTolerance(text: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(text.trim());
  const hint = 'Write the tolerance as a percentage from 0 to 100, e.g. --tolerance 5% (or 5).';
  if (match === null) throw new OverloadError('USAGE', `--tolerance ${JSON.stringify(text)} is not a percentage.`, { hint });
  const [, digits = '', percentSign] = match;
  const value = Number(digits);
  if (percentSign === '' && value > 0 && value < 1) {
    throw new OverloadError('USAGE', `--tolerance ${text} is ambiguous: it could mean ${value} % or ${formatSetting(value)}.`, {
      hint: `Write the percent sign: --tolerance ${formatSetting(value).replace(' ', '')} or --tolerance ${value}%.`,
    });
  }
  if (value > 100) throw new OverloadError('USAGE', `--tolerance ${text} is above 100 %.`, { hint });
  return value / 100;
}
