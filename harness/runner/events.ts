/**
 * Typed events the runner emits while it works. The runner never prints: the CLI's progress bar
 * and summary subscribe to these (STYLE.md, example 2).
 */
import type { StepResult, Report, TargetTls } from '../report/schema.ts';

export type RunEvent =
  /** The fixtures are up. */
  | { type: 'fixtures-ready'; gatewayUrl: string; upstreamUrl: string }
  /** An external target (`--target`) takes the fixtures' place: the load goes to its pinned address. */
  | { type: 'target-ready'; url: string; pinnedAddress: string; authorizedBy: string; tls?: TargetTls }
  /** A trial begins (`--repeat N` runs N of them); `plannedSteps` is an upper bound. */
  | { type: 'trial-start'; trial: number; trials: number; plannedSteps: number }
  /** A step of load begins. */
  | { type: 'step-start'; trial: number; index: number; offered: number; unit: 'connections' | 'rps'; durationMs: number }
  /** A step ended and was judged. */
  | { type: 'step-end'; trial: number; step: StepResult }
  /** The report on disk was rewritten (after every step). */
  | { type: 'report-written'; report: Report }
  /** Something worth telling the user that is not an error (a retried invalid step, a slow drain). */
  | { type: 'notice'; message: string };

export type RunEventListener = (event: RunEvent) => void;
