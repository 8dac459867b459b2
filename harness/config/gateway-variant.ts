/**
 * A scenario behind a real gateway (issue 6): where nginx or HAProxy answers, logs or pools
 * differently from the Node fixture, the scenario's `behind.<gateway>` says what it checks there
 * instead, or that it means nothing there, and why (scenario.ts `GatewayVariant`).
 */
import { OverloadError } from '../errors.ts';
import { isRecord } from './cross-checks.ts';
import type { GatewayVariant, Scenario } from './scenario.ts';

/**
 * Refuses a scenario whose variant for the gateway it is about to run behind is `unsupported`.
 * Read from the raw input, before validation: such a scenario may hold what that gateway cannot
 * take at all (dns-change's `gateway.upstreamName`), and the note says why better than the field check.
 * @throws OverloadError `SCENARIO_UNSUPPORTED` (exit 2) quoting the note.
 */
export function assertSupportedBehind(input: unknown, ref: string): void {
  if (!isRecord(input) || !isRecord(input.gateway) || !isRecord(input.behind)) return;
  const kind = input.gateway.kind;
  if (kind !== 'nginx' && kind !== 'haproxy') return;
  const variant = input.behind[kind];
  if (!isRecord(variant) || variant.unsupported !== true) return;
  const note = typeof variant.note === 'string' ? variant.note : '';
  throw new OverloadError('SCENARIO_UNSUPPORTED', `Scenario "${ref}" means nothing behind ${kind}: ${note}`, {
    hint: `run it behind the Node gateway fixture (--gateway node), or pick a scenario that runs behind ${kind} (see the README's catalogue)`,
  });
}

/** The variant of the gateway the scenario runs behind, or null (the Node fixture, or no variant). */
export function variantOf(scenario: Pick<Scenario, 'gateway' | 'behind'>): GatewayVariant | null {
  const { kind } = scenario.gateway;
  return kind === 'node' ? null : (scenario.behind[kind] ?? null);
}

/**
 * The scenario as it reads behind its gateway: the variant's `expect` in place of its own, unless
 * the user set `expect` on the command line (`setPaths`), which always wins.
 */
export function applyGatewayVariant(scenario: Scenario, setPaths: readonly string[]): Scenario {
  const variant = variantOf(scenario);
  if (variant?.expect === undefined) return scenario;
  if (setPaths.some((path) => path === 'expect' || path.startsWith('expect.') || path.startsWith('expect['))) return scenario;
  return { ...scenario, expect: structuredClone(variant.expect) };
}
