import assert from 'node:assert/strict';
import { render } from '../../harness/report/render/csv.ts';
import type { Report, StepResult } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');

const FIXED_HEADER =
  'trial,index,offered,unit,durationMs,tailMs,sent,completed,errored,lost,unfinished,late,achievedRps,goodputRps,failures,failureRatio,predictedFailureRatio,passed,valid,invalidReason,okP50Ms,okP90Ms,okP99Ms,okMaxMs,failedP99Ms,fromIntendedP99Ms,generatorCpu,eventLoopDelayP99Ms,sendLagP99Ms,upstreamServiceMs';

/**
 * A minimal RFC 4180 reader: records end with CRLF, a quoted field may hold commas, quotes
 * (doubled) and line breaks. Throws on a bare LF or CR outside quotes and on a stray quote.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      if (field !== '') throw new Error(`a quote inside an unquoted field at ${i}`);
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('an unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`a CR without LF at ${i}`);
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\n') {
      throw new Error(`a bare LF at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

function withStep(report: Report, index: number, change: (step: StepResult) => void): Report {
  const copy = structuredClone(report);
  const step = copy.steps.find((s) => s.index === index);
  assert.ok(step !== undefined);
  change(step);
  return copy;
}

describe('the csv renderer', () => {
  const csv = render(closedOnset);
  const [header = [], ...rows] = parseCsv(csv);

  it('writes the fixed columns, then each status seen in numeric order and each cause seen in name order', () => {
    assert.equal(csv.slice(0, csv.indexOf('\r\n')), `${FIXED_HEADER},status_200,status_502,cause_upstream_closed,cause_upstream_reset`);
  });

  it('writes a step with raw numbers, empty cells for null and 0 for a status it did not see', () => {
    const lines = csv.split('\r\n');
    assert.equal(lines[1], '0,0,1,connections,2001,0,189,188,0,0,1,0,94,94,0,0,0,true,true,,10.42,10.61,11.23,12.87,,,0.09,11.2,,10.05,188,0,0,0');
    assert.equal(lines[6], '0,5,32,connections,2004,0,5619,5598,0,0,21,0,2793.4,394.7,4807,0.8587,,false,true,,50.61,51.32,53.84,61.2,3.07,,0.74,13.9,,10.05,791,4807,6,4801');
  });

  it('ends every record, the last one too, with CRLF and nothing else', () => {
    assert.ok(csv.endsWith('\r\n'));
    assert.equal(csv.replaceAll('\r\n', '').includes('\n'), false);
    assert.equal(csv.split('\r\n').length, closedOnset.steps.length + 2);
  });

  it('reads back as one record per step, each as wide as the header, in the order the steps ran', () => {
    assert.equal(rows.length, closedOnset.steps.length);
    for (const row of rows) assert.equal(row.length, header.length);
    const column = (name: string): string[] => rows.map((row) => row[header.indexOf(name)] ?? '');
    assert.deepEqual(column('index'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(column('trial'), Array<string>(10).fill('0'));
    assert.deepEqual(column('offered').map(Number), [...closedOnset.steps].sort((a, b) => a.index - b.index).map((s) => s.offered));
    assert.deepEqual(column('failureRatio').map(Number), closedOnset.steps.map((s) => s.failureRatio));
  });

  it('quotes a field holding a comma, a quote or a line break, and it reads back the same', () => {
    const reason = 'generator CPU "98 %", event loop\r\nstalled, 12 ms';
    const report = withStep(closedOnset, 3, (step) => {
      step.valid = false;
      step.invalidReason = reason;
    });
    const out = render(report);
    assert.ok(out.includes(',false,"generator CPU ""98 %"", event loop\r\nstalled, 12 ms",'));
    const [head = [], ...records] = parseCsv(out);
    assert.equal(records[3]?.[head.indexOf('invalidReason')], reason);
    assert.equal(records[3]?.[head.indexOf('valid')], 'false');
  });

  it('writes every trial with --repeat, sorted by trial and then by step', () => {
    const steps = closedOnset.steps.slice(0, 3);
    const report: Report = {
      ...structuredClone(closedOnset),
      trials: [
        { index: 1, seed: 2, onset: null, steps: [...steps].reverse() },
        { index: 0, seed: 1, onset: null, steps },
      ],
    };
    const [head = [], ...records] = parseCsv(render(report));
    const pairs = records.map((r) => `${r[head.indexOf('trial')]}:${r[head.indexOf('index')]}`);
    assert.deepEqual(pairs, ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
  });

  it('writes the three trials of the frozen --repeat 3 report, trial by trial', () => {
    const report = fixture('closed-trials');
    const [head = [], ...records] = parseCsv(render(report));
    const expected = report.trials.flatMap((trial) => [...trial.steps].sort((a, b) => a.index - b.index).map((step) => `${trial.index}:${step.index}:${step.offered}`));
    assert.equal(records.length, 30);
    assert.deepEqual(records.map((r) => `${r[head.indexOf('trial')]}:${r[head.indexOf('index')]}:${r[head.indexOf('offered')]}`), expected);
  });

  it('adds the columns of the open model and of statuses that only one step saw', () => {
    let report = withStep(closedOnset, 0, (step) => {
      step.status = { '504': 2, '200': 180, '503': 1 };
      step.causes = { upstream_timeout: 2 };
      step.latencyMs.fromIntended = { count: 183, p50: 10, p90: 11, p99: 12.5, max: 13 };
      step.generator.sendLagP99Ms = 0.25;
    });
    report = { ...report, unit: 'rps' };
    const [head = [], first = []] = parseCsv(render(report));
    assert.deepEqual(head.slice(FIXED_HEADER.split(',').length), ['status_200', 'status_502', 'status_503', 'status_504', 'cause_upstream_closed', 'cause_upstream_reset', 'cause_upstream_timeout']);
    const cell = (name: string): string | undefined => first[head.indexOf(name)];
    assert.deepEqual([cell('unit'), cell('fromIntendedP99Ms'), cell('sendLagP99Ms'), cell('status_504'), cell('status_502'), cell('cause_upstream_timeout')], ['rps', '12.5', '0.25', '2', '0', '2']);
  });

  it('writes only the header when no step was measured', () => {
    assert.equal(render({ ...closedOnset, steps: [] }), `${FIXED_HEADER}\r\n`);
  });

  it('reads RFC 4180 strictly enough to catch a broken file', () => {
    assert.throws(() => parseCsv('a,b\n'));
    assert.throws(() => parseCsv('a,"b\r\n'));
    assert.throws(() => parseCsv('a,b"c\r\n'));
    assert.throws(() => parseCsv('a,b'));
    assert.deepEqual(parseCsv('a,"b,""c""\r\nd",\r\n'), [['a', 'b,"c"\r\nd', '']]);
  });
});
