/**
 * The two ways a test reads `validateScenario`: the problems of an input that must be refused,
 * or the scenario of one that must be accepted; either fails the test, saying why, otherwise.
 */
import assert from 'node:assert/strict';
import type { Scenario } from '../../harness/config/scenario.ts';
import { validateScenario } from '../../harness/config/schema.ts';
import { formatProblem, type Problem } from '../../harness/errors.ts';

/** Every problem with `input`, which must be invalid. */
export function problemsOf(input: unknown): Problem[] {
  const result = validateScenario(input);
  if (result.ok) assert.fail(`expected problems, got a valid scenario from ${JSON.stringify(input)}`);
  return result.problems;
}

/** The validated scenario of `input`, which must be valid. */
export function scenarioOf(input: unknown): Scenario {
  const result = validateScenario(input);
  if (!result.ok) assert.fail(`expected a valid scenario, got:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.scenario;
}
