/**
 * Assembles the report of a timeline run (pure): the same report as a ramp's, with `plan:
 * 'timeline'`, no steps and no onset, and the measurements in `timeline` (schema.ts `TimelineResult`).
 */
import type { Scenario } from '../config/scenario.ts';
import { addCounts } from '../stats/counts.ts';
import { gatewayNote, reportHead } from './build.ts';
import { causeTotals } from './explain.ts';
import { explainTimeline, type TimelineClients } from './explain-timeline.ts';
import { rateProfile } from '../config/rate-profile.ts';
import { evaluateExpectations } from './expectations.ts';
import type { Report, TimelineResult } from './schema.ts';

export interface TimelineReportInput {
  scenario: Scenario;
  toolVersion: string;
  createdAt: Date;
  environment: Report['environment'];
  /** What the run measured; null when it ended before the timeline did. */
  timeline: TimelineResult | null;
  interrupted: boolean;
}

/** How the scenario's clients behave, as the explanation needs it. */
function clientsOf(scenario: Scenario): TimelineClients {
  const { retry } = scenario.load;
  const rates = rateProfile(scenario.timeline);
  const abandoned = scenario.upstream.abandoned;
  return retry.timeoutMs > 0 ? { giveUpMs: retry.timeoutMs, attempts: retry.attempts, rates, abandoned } : { attempts: retry.attempts, rates, abandoned };
}

/** The report of a timeline run, from what it measured (null: it ended before the timeline was measured). */
export function buildTimelineReport(input: TimelineReportInput): Report {
  const { scenario, timeline } = input;
  const unit = scenario.model === 'closed' ? 'connections' : 'rps';
  const causes = timeline === null ? {} : causeTotals([{ causes: addCounts(timeline.buckets.map((bucket) => bucket.causes)) }]);
  return {
    ...reportHead(input),
    gateway: { kind: scenario.gateway.kind, profile: scenario.gateway.profile },
    model: scenario.model,
    unit,
    plan: 'timeline',
    ...(timeline === null ? {} : { timeline }),
    steps: [],
    onset: null,
    onsetNote: 'A timeline scenario holds one load and measures failures against time; it looks for no onset.',
    onsetSpread: null,
    capacity: null,
    theory: null,
    causes,
    explanation: [...(timeline === null ? ['The run ended before the timeline was measured.'] : explainTimeline(timeline, unit, causes, clientsOf(scenario))), ...gatewayNote(scenario)],
    trials: [],
    expectations: evaluateExpectations(scenario.expect, {
      onset: null,
      causes,
      steps: [],
      unit,
      ...(timeline === null ? {} : { timeline }),
    }),
  };
}
