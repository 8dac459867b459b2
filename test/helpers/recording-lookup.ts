/** A resolver for the target guard's tests: it answers from a script and records every query (a refusal must make none). */
import type { LookupAddress } from 'node:dns';
import type { Lookup } from '../../harness/safety/target-guard.ts';

/** Answers each query with the next list of `answers` (none left: an empty answer). */
export function recordingLookup(answers: string[][] = []): Lookup & { queries: string[] } {
  const queries: string[] = [];
  const lookup = (name: string): Promise<LookupAddress[]> => {
    queries.push(name);
    const answer = answers.shift() ?? [];
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(lookup, { queries });
}
