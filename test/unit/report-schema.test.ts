import assert from 'node:assert/strict';
import { OverloadError } from '../../harness/errors.ts';
import { parseReport, reportJsonSchema } from '../../harness/report/report-schema.ts';
import { frozenReportText } from '../helpers/frozen-reports.ts';

/** The frozen report's JSON, parsed but not validated, so a test can break it. */
function raw(name: string): Record<string, unknown> {
  return JSON.parse(frozenReportText(name)) as Record<string, unknown>;
}

/** Runs `parseReport` and returns the OverloadError it must throw. */
function rejection(json: unknown): OverloadError {
  try {
    parseReport(json, 'baseline.json');
  } catch (error) {
    assert.ok(error instanceof OverloadError, `expected an OverloadError, got ${String(error)}`);
    return error;
  }
  assert.fail('parseReport accepted an invalid report');
}

describe('report schema', () => {
  for (const name of ['closed-onset', 'no-onset-503']) {
    it(`parses the frozen ${name} report unchanged`, () => {
      assert.deepEqual(parseReport(raw(name)), raw(name));
    });
  }

  it('reads a report written before upstream.connectionLimit and invalidEvery existed as having neither fault (0)', () => {
    const json = raw('closed-onset');
    const upstream = (json.scenario as { parameters: { upstream: Record<string, unknown> } }).parameters.upstream;
    delete upstream.connectionLimit;
    delete upstream.invalidEvery;
    const report = parseReport(json);
    assert.equal(report.scenario.parameters.upstream.connectionLimit, 0);
    assert.equal(report.scenario.parameters.upstream.invalidEvery, 0);
  });

  it('refuses a report without steps, naming the path `steps` and exiting 2', () => {
    const json = raw('closed-onset');
    delete json.steps;
    const error = rejection(json);
    assert.equal(error.code, 'USAGE');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^baseline\.json is not a valid overload report \(1 problem\)\.$/);
    assert.deepEqual(
      error.problems.map((p) => p.path),
      ['steps'],
    );
  });

  it('names the full path of a bad field deep inside a step', () => {
    const json = raw('closed-onset');
    const steps = json.steps as Record<string, unknown>[];
    steps[3] = { ...steps[3], sent: '798' };
    assert.deepEqual(
      rejection(json).problems.map((p) => p.path),
      ['steps.3.sent'],
    );
  });

  it('accepts and drops fields it does not know, at the top and inside a step', () => {
    const json = raw('closed-onset');
    json.newerField = { added: 'in schema 1.x' };
    (json.steps as Record<string, unknown>[])[0]!.retries = 2;
    const report = parseReport(json);
    assert.equal('newerField' in report, false);
    assert.equal('retries' in report.steps[0]!, false);
    assert.equal(report.steps.length, 10);
  });

  it('refuses another schema version with a message naming both versions', () => {
    const error = rejection({ ...raw('closed-onset'), schemaVersion: 2 });
    assert.equal(error.message, 'baseline.json has report schema version 2; this overload reads version 1.');
    assert.match(error.hint ?? '', /tool\.version/);
  });

  it('refuses something that is not an object at all', () => {
    assert.deepEqual(
      rejection('not a report').problems.map((p) => p.path),
      [''],
    );
  });

  it('publishes a JSON Schema that requires the report fields and leaves room for new ones', () => {
    const schema = reportJsonSchema();
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'overload report');
    assert.ok((schema.required as string[]).includes('steps'));
    assert.ok((schema.required as string[]).includes('onset'));
    assert.equal(schema.additionalProperties, undefined);
    const properties = schema.properties as Record<string, { description?: string }>;
    assert.equal(properties.steps?.description, 'Steps of the first trial, in the order they ran.');
  });
});
