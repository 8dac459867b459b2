/** A fully-defaulted scenario for tests that do not go through the loader. */
import { DEFAULTS, profileFailureStatuses } from '../../harness/config/defaults.ts';
import type { Scenario } from '../../harness/config/scenario.ts';

export function testScenario(patch: Partial<Scenario> = {}): Scenario {
  const base: Scenario = structuredClone({
    ...DEFAULTS,
    name: 'test',
    criterion: { failureRatio: DEFAULTS.criterion.failureRatio, statuses: profileFailureStatuses(DEFAULTS.gateway.profile) },
  });
  return { ...base, ...patch };
}
