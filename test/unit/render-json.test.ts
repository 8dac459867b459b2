import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { render } from '../../harness/report/render/json.ts';
import { parseReport } from '../../harness/report/report-schema.ts';
import { frozenReportText } from '../helpers/frozen-reports.ts';

const FIXTURES = ['closed-onset', 'no-onset-503'];

describe('JSON renderer', () => {
  for (const name of FIXTURES) {
    it(`reproduces the frozen ${name} report byte for byte: 2-space indent, one trailing newline`, () => {
      const text = frozenReportText(name);
      assert.equal(render(parseReport(JSON.parse(text))), text);
    });
  }

  it('keeps keys in the order the report was built, not sorted', () => {
    const text = readFileSync(new URL('../fixtures/reports/closed-onset.json', import.meta.url), 'utf8');
    const report = parseReport(JSON.parse(text));
    const out = render(report);
    const keys = [...out.matchAll(/^ {2}"(\w+)":/gm)].map((m) => m[1]);
    assert.deepEqual(keys, Object.keys(report));
    assert.deepEqual(keys.slice(0, 4), ['schemaVersion', 'tool', 'createdAt', 'interrupted']);
    assert.ok(out.endsWith('\n}\n'));
  });
});
