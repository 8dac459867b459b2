/**
 * The `expect` entries of a scenario (scenario.ts `Expectation`): one schema per variant, each
 * with its rule, and the wording of a problem with an entry.
 */
import { z } from 'zod';
import { CAUSE_CODES } from '../../fixtures/gateway/causes.ts';
import type { Problem } from '../errors.ts';
import { isRecord } from './cross-checks.ts';
import { closest, withValue } from './suggest.ts';

/** A cause code, with the rule and fix both cause-valued variants share. */
const CAUSE_RULE = {
  schema: z.enum(CAUSE_CODES),
  must: 'must be a cause code (fixtures/gateway/causes.ts)',
  fix: (v: unknown): string => {
    const guess = typeof v === 'string' ? closest(v, CAUSE_CODES) : undefined;
    return guess === undefined ? `use one of ${CAUSE_CODES.join(', ')}` : `did you mean \`${guess}\`?`;
  },
};

/** The expectation variants (scenario.ts `Expectation`), each with its rule, keyed by its one key. */
const EXPECTATIONS = {
  onset: {
    schema: z.strictObject({ between: z.tuple([z.number().gte(0), z.number().gte(0)]) }).refine((o) => o.between[0] <= o.between[1]),
    must: 'must be { between: [low, high] } with 0 ≤ low ≤ high',
    fix: (): string => 'write e.g. { between: [21, 21] }',
  },
  dominantCause: CAUSE_RULE,
  noFailuresBelow: { schema: z.number().gte(0), must: 'must be a number of at least 0', fix: (): string => 'write e.g. 20' },
  onsetMatchesTheory: { schema: z.literal(true), must: 'must be true', fix: (): string => 'write { onsetMatchesTheory: true }' },
  causeBelowOnset: CAUSE_RULE,
  recoveryWithinMs: { schema: z.number().gte(0), must: 'must be a number of ms of at least 0', fix: (): string => 'write e.g. 1000' },
  failureWindows: {
    schema: z.strictObject({ min: z.number().int().gte(0), max: z.number().int().gte(0).optional() }).refine((w) => w.max === undefined || w.min <= w.max),
    must: 'must be { min, max? } with whole numbers, 0 ≤ min ≤ max',
    fix: (): string => 'write e.g. { min: 2 }',
  },
  noFailuresBeforeMs: { schema: z.number().gte(0), must: 'must be a number of ms of at least 0', fix: (): string => 'write e.g. 3000' },
  goodputAfter: {
    schema: z
      .strictObject({ fromMs: z.number().gte(0), minRps: z.number().gte(0).optional(), maxRps: z.number().gte(0).optional() })
      .refine((g) => (g.minRps !== undefined || g.maxRps !== undefined) && (g.minRps === undefined || g.maxRps === undefined || g.minRps <= g.maxRps)),
    must: 'must be { fromMs, minRps?, maxRps? } with at least one bound, minRps ≤ maxRps',
    fix: (): string => 'write e.g. { fromMs: 6000, minRps: 225 }',
  },
};
const E = EXPECTATIONS;
/** One entry of `expect`; its output is assignable to scenario.ts `Expectation`. */
export const expectation = z.union([
  z.strictObject({ onset: E.onset.schema }),
  z.strictObject({ dominantCause: E.dominantCause.schema }),
  z.strictObject({ noFailuresBelow: E.noFailuresBelow.schema }),
  z.strictObject({ onsetMatchesTheory: E.onsetMatchesTheory.schema }),
  z.strictObject({ causeBelowOnset: E.causeBelowOnset.schema }),
  z.strictObject({ recoveryWithinMs: E.recoveryWithinMs.schema }),
  z.strictObject({ failureWindows: E.failureWindows.schema }),
  z.strictObject({ noFailuresBeforeMs: E.noFailuresBeforeMs.schema }),
  z.strictObject({ goodputAfter: E.goodputAfter.schema }),
]);
/** The rule for an `expect` entry, as a problem's message. */
export const EXPECT_MUST = 'must be one of { onset: { between: [low, high] } }, { dominantCause: "<cause>" }, { noFailuresBelow: n }, { onsetMatchesTheory: true }, { causeBelowOnset: "<cause>" }, and for timelines { recoveryWithinMs: n }, { failureWindows: { min, max? } }, { noFailuresBeforeMs: n }, { goodputAfter: { fromMs, minRps?, maxRps? } }';

/**
 * The problem with `expect[index]`, worded for its variant when its one key names one
 * (`expect[1].dominantCause: must be a cause code`), else for the entry as a whole.
 */
export function expectationProblem(entry: unknown, index: number): Problem {
  const where = `expect[${index}]`;
  const keys = isRecord(entry) ? Object.keys(entry) : [];
  const [key] = keys;
  if (isRecord(entry) && keys.length === 1 && key !== undefined && Object.hasOwn(E, key)) {
    const variant = E[key as keyof typeof E];
    return withValue({ path: `${where}.${key}`, message: variant.must, fix: variant.fix(entry[key]) }, entry[key]);
  }
  const unknown = keys.filter((k) => !Object.hasOwn(E, k));
  const guess = unknown.length === 1 && unknown[0] !== undefined ? closest(unknown[0], Object.keys(E)) : undefined;
  const fix = guess !== undefined ? `did you mean \`${guess}\`?` : 'write one check per entry, e.g. { noFailuresBelow: 20 }';
  return withValue({ path: where, message: EXPECT_MUST, fix }, entry);
}
