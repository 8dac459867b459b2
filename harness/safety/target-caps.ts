/**
 * The hard caps of a run against an external target (DESIGN.md §5): smaller than the fixtures'
 * (64 connections, 1,000 req/s, 60 s, 100,000 requests), whatever the scenario says, because the
 * service is the user's and may be shared; an authorization may raise them, never above the
 * ceilings compiled into the code (the fixtures' caps, harness/config/defaults.ts).
 */
import { DEFAULTS } from '../config/defaults.ts';
import type { CapsConfig, Scenario } from '../config/scenario.ts';
import { OverloadError, type Problem } from '../errors.ts';

/** The caps of an external target unless an authorization raises them. */
export const TARGET_CAPS: Readonly<CapsConfig> = { maxConnections: 64, maxRps: 1000, maxDurationS: 60, maxRequests: 100_000 };

/** The ceilings no authorization can raise a cap above: the code's own (DESIGN.md §5). */
export const CAP_CEILINGS: Readonly<CapsConfig> = DEFAULTS.caps;

/**
 * The scenario's caps lowered to the target's (`raised` by an authorization, within the ceilings).
 * @throws OverloadError `USAGE` when the plan starts above them (search.start, ramp.to), naming
 *   the field, its value, the cap and the fix.
 */
export function capForTarget(scenario: Scenario, raised: Partial<CapsConfig> = {}): Scenario {
  const limit = (key: keyof CapsConfig): number => Math.min(scenario.caps[key], raised[key] ?? TARGET_CAPS[key], CAP_CEILINGS[key]);
  const caps: CapsConfig = { maxConnections: limit('maxConnections'), maxRps: limit('maxRps'), maxDurationS: limit('maxDurationS'), maxRequests: limit('maxRequests') };
  const closed = scenario.model === 'closed';
  const cap = closed ? caps.maxConnections : caps.maxRps;
  const capPath = closed ? 'caps.maxConnections' : 'caps.maxRps';
  const problems: Problem[] = [];
  const over = (path: string, value: number): void => {
    if (value > cap) problems.push({ path, message: `is above the cap of an external target (${capPath} = ${cap})`, value: String(value), fix: `use ${cap} or less` });
  };
  over('search.start', scenario.search.start);
  over('ramp.to', scenario.ramp.to);
  if (problems.length > 0) {
    throw new OverloadError('USAGE', `The plan goes beyond what overload sends to an external target`, {
      problems,
      hint: `against your own service a run is capped at ${TARGET_CAPS.maxConnections} connections, ${TARGET_CAPS.maxRps} req/s, ${TARGET_CAPS.maxDurationS} s and ${TARGET_CAPS.maxRequests} requests; lower the plan with --set`,
    });
  }
  return { ...scenario, caps };
}
