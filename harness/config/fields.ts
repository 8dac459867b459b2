/**
 * Builders for the scenario's leaf fields: each makes the zod schema with its default, and
 * registers the field's rule (its kind, the rule in words, the fix for a bad value) in
 * {@link FIELD_RULES}, where the validator finds the wording of a problem and `--set` finds how
 * to parse a value. `schema.ts` assembles the scenario from these.
 */
import { z } from 'zod';
import { closest } from './suggest.ts';

/** How a leaf field's value is written, which is also how `--set` parses it. */
export type FieldKind = 'integer' | 'number' | 'string' | 'enum' | 'number-list' | 'json';

/** One leaf field of a scenario: its rule in words and how to fix a bad value. */
export interface FieldInfo {
  /** Dotted path, e.g. `upstream.workers`. */
  path: string;
  kind: FieldKind;
  /** The allowed values of an `enum` field. */
  values?: readonly string[];
  /** The rule as the problem's message, e.g. `must be an integer from 1 to 100000`. */
  must: string;
  /** What to do about `value`, e.g. `set at least 1 worker`. */
  fix: (value: unknown) => string;
  required?: boolean;
}

/** A field's rule; its path comes from where the field sits in the scenario. */
export type FieldRule = Omit<FieldInfo, 'path'>;

/** The rule of every leaf field, keyed by the field's schema. */
export const FIELD_RULES = z.registry<FieldRule>();

/**
 * A numeric range: from `min` (above it with `above`) up to `max` (below it with `below`).
 * `noun` names the unit in fixes (`set at least 1 worker`); `note` says why `max` is the limit.
 */
export interface Range {
  min: number;
  max?: number;
  above?: true;
  below?: true;
  noun?: string;
  note?: string;
}

type NumberKind = 'integer' | 'number';

/** An integer field with its default. */
export function int(range: Range, fallback: number) {
  const { schema, rule } = amount('integer', range, fallback);
  return schema.default(fallback).register(FIELD_RULES, rule);
}

/** A number field with its default. */
export function num(range: Range, fallback: number) {
  const { schema, rule } = amount('number', range, fallback);
  return schema.default(fallback).register(FIELD_RULES, rule);
}

/** A number whose default depends on other fields; `schema.ts` fills it in after parsing. */
export function derivedNum(range: Range, example: number) {
  const { schema, rule } = amount('number', range, example);
  return schema.optional().register(FIELD_RULES, rule);
}

/**
 * An enum field. `choice<ShedMode>()(['reset', ...], fallback)`: the compiler checks that the list
 * names every member of the union (a missing one makes the argument type `never`).
 */
export function choice<T extends string>() {
  return <const A extends readonly [T, ...T[]]>(values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : never), fallback: NoInfer<A[number]>) => {
    const list: readonly string[] = values;
    const rule: FieldRule = {
      kind: 'enum',
      values: list,
      must: `must be one of ${list.map((v) => `"${v}"`).join(', ')}`,
      fix: (value) => {
        if (typeof value === 'number' && list.includes(String(value))) return `write it as a string: "${value}"`;
        const guess = typeof value === 'string' ? closest(value, list) : undefined;
        return guess === undefined ? `use one of ${list.join(', ')}` : `did you mean \`${guess}\`?`;
      },
    };
    return z.enum(values as A).default(fallback).register(FIELD_RULES, rule);
  };
}

/** The schema of a number in `range` and its rule; `example` is a good value to suggest. */
function amount(kind: NumberKind, range: Range, example: number): { schema: z.ZodNumber; rule: FieldRule } {
  let schema = kind === 'integer' ? z.number().int() : z.number(); // z.number() rejects NaN and ±Infinity
  schema = range.above ? schema.gt(range.min) : schema.gte(range.min);
  if (range.max !== undefined) schema = range.below ? schema.lt(range.max) : schema.lte(range.max);
  return { schema, rule: { kind, must: mustOf(kind, range), fix: (value) => fixOf(kind, range, example, value) } };
}

/** The rule in words: `must be an integer from 1 to 100000`, `must be a number above 0 and below 1`. */
function mustOf(kind: NumberKind, range: Range): string {
  const what = kind === 'integer' ? 'an integer' : 'a number';
  const { min, max } = range;
  if (max === undefined) {
    if (range.above) return `must be ${what} above ${min}`;
    if (kind === 'integer' && min === 1) return 'must be a positive integer';
    return `must be ${what} of at least ${min}`;
  }
  if (range.above) return `must be ${what} above ${min} ${range.below ? 'and below' : 'and at most'} ${max}`;
  return `must be ${what} from ${min} ${range.below ? 'and below' : 'to'} ${max}`;
}

/** What to do about a bad `value`: unquote it, write a number, a whole one, or one in range. */
function fixOf(kind: NumberKind, range: Range, example: number, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return `write ${value} without quotes`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `write a number, e.g. ${example}`;
  if (kind === 'integer' && !Number.isInteger(value)) return `use a whole number, e.g. ${example}`;
  const count = (n: number): string => (range.noun === undefined ? `${n}` : `${n} ${range.noun}${n === 1 ? '' : 's'}`);
  if (range.above && value <= range.min) return `set a value above ${range.min}, e.g. ${example}`;
  if (value < range.min) return `set at least ${count(range.min)}`;
  if (range.below) return `set a value below ${range.max}, e.g. ${example}`;
  return `set at most ${count(range.max ?? value)}${range.note === undefined ? '' : ` (${range.note})`}`;
}
