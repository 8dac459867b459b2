/**
 * The report as JSON (`report.json`, DESIGN.md §6): the machine-readable format every other one
 * is derived from. Keys keep the order the report was built in, so two runs diff line by line.
 */
import type { Report } from '../schema.ts';

/** Serializes the report with a 2-space indent and a trailing newline; writes nothing. */
export function render(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
