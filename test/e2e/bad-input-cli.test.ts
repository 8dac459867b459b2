/**
 * Issue 7, "bad input": malformed scenario fields, flags, files and reports, each refused with
 * exit 2 and a message that names the input, the bad value and the fix; never a stack trace, and
 * never a load sent (every row fails before any fixture starts). In-process, so the table runs in
 * about a second.
 */
import assert from 'node:assert/strict';
import { ExitCode } from '../../harness/exit-codes.ts';
import { runMain } from '../helpers/run-main.ts';

const REPORT = 'test/fixtures/reports/closed-onset.json';

/** argv → what stderr must say. */
const BAD: [argv: string[], message: RegExp][] = [
  // Scenario fields through --set: the path, the value, the rule.
  [['run', 'overload', '--set', 'upstream.workers=-1'], /upstream\.workers: must be an integer from 1 to 100000 \(got -1\)\. Fix: /],
  [['run', 'overload', '--set', 'upstream.workers=abc'], /upstream\.workers: must be a number \(got "abc"\)/],
  [['run', 'overload', '--set', 'upstream.shed=explode'], /upstream\.shed: must be one of "reset", "close", "hang", "503" \(got "explode"\)/],
  [['run', 'overload', '--set', 'criterion.failureRatio=2'], /criterion\.failureRatio: must be a number above 0 and below 1 \(got 2\)/],
  [['run', 'overload', '--set', 'criterion.statuses=[700]'], /criterion\.statuses: must be a non-empty list of HTTP statuses/],
  [['run', 'overload', '--set', 'load.path=noslash'], /load\.path: must be a request path starting with a single \/ .*Fix: write "\/noslash"/],
  [['run', 'overload', '--set', 'caps.maxConnections=100000'], /caps\.maxConnections: must be an integer from 1 to 1024 \(got 100000\).*ceilings in code/],
  [['run', 'overload', '--set', 'expect=[{"onset":{"between":[5,1]}}]'], /expect\[0\]\.onset: must be \{ between: \[low, high\] \} with 0 ≤ low ≤ high/],
  [['run', 'overload', '--set', 'expect=not json'], /expect: must be JSON \(got "not json"\)/],
  [['run', 'overload', '--set', 'timeline.events=[{"atMs":1,"action":"explode"}]'], /timeline\.events: must be a list; each entry must be/],
  [['run', 'overload', '--set', 'gateway.upstreamName=example.com'], /gateway\.upstreamName: must be a host name under \.test/],
  [['run', 'overload', '--set', 'model=sideways'], /model: must be one of "closed", "open" \(got "sideways"\)/],
  [['run', 'overload', '--set', 'seed=1.5'], /seed: must be an integer \(got 1\.5\)/],
  [['run', 'overload', '--set', 'load.retry.attempts=0'], /load\.retry\.attempts: must be an integer from 1 to 10 \(got 0\)/],
  [['run', 'overload', '--set', 'behind.nginx={"expect":[]}'], /behind\.nginx: must be \{ note: /],
  [['plan', 'overload', '--set', 'search.precision=0'], /search\.precision: must be a number above 0 and at most 0\.5 \(got 0\)/],
  [['run', 'overload', '--set', 'upstream.worker=3'], /upstream\.worker: is not a scenario field.*did you mean `upstream\.workers`/],
  [['run', 'overload', '--set', 'seed'], /--set must be written path=value/],
  // Flags.
  [['run', 'overload', '--repeat', '0'], /--repeat must be an integer from 1 to 50 \(got 0\)/],
  [['run', 'overload', '--repeat', '51'], /--repeat must be an integer from 1 to 50 \(got 51\)/],
  [['run', 'overload', '--format', 'pdf'], /--format pdf: unknown format pdf.*choose from json, md, html, svg, junit, csv/s],
  [['run', 'overload', '--tolerance', 'lots'], /--tolerance "lots" is not a percentage/],
  [['run', 'overload', '--model', 'sideways'], /Argument: model, Given: "sideways", Choices: "closed", "open"/],
  [['run', 'overload', '--gateway', 'envoy'], /--gateway envoy: unknown gateway "envoy"/],
  [['run', 'overload', '--search', '--ramp'], /Arguments search and ramp are mutually exclusive/],
  [['run', 'overload', '--seed', 'x'], /--seed "x" is not a whole number/],
  [['run', 'overload', '--unknown-flag'], /Unknown arguments: unknown-flag/],
  [['nosuchcommand'], /Unknown argument: nosuchcommand/],
  [['run'], /name a scenario to run, or pass --all/],
  [['run', 'nosuch'], /Scenario "nosuch" not found.*Available scenarios: bad-response/s],
  // Targets and files.
  [['run', 'overload', '--target', 'ftp://127.0.0.1/'], /--target "ftp:\/\/127\.0\.0\.1\/" refused: the scheme ftp: is not http: or https:/],
  [['run', 'overload', '--target', 'http://10.0.0.1/'], /the host parsed to 10\.0\.0\.1, which is not loopback/],
  [['run', 'overload', '--ca', REPORT], /--ca test\/fixtures\/reports\/closed-onset\.json trusts a CA for an https --target, and none was given/],
  [['run', 'overload', '--target', 'http://127.0.0.1:9/', '--ca', REPORT], /and http:\/\/127\.0\.0\.1:9\/ is plain HTTP.*Hint: drop --ca, or write the target as https:/s],
  [['run', 'overload', '--target', 'https://127.0.0.1:9/', '--ca', 'no-such.pem'], /--ca no-such\.pem: cannot read it \(ENOENT\)/],
  [['run', 'overload', '--target', 'https://127.0.0.1:9/', '--ca', REPORT], /--ca test\/fixtures\/reports\/closed-onset\.json: not a PEM certificate .*Hint: pass the certificate/s],
  [['run', 'overload', '--baseline', '/nonexistent/base.json'], /Cannot read the report \/nonexistent\/base\.json: ENOENT/],
  [['run', 'overload', '--out', '/etc/hostname/x'], /Cannot use the output folder \/etc\/hostname\/x \(ENOTDIR/],
  // Reports that are not reports.
  [['compare', '/etc/hostname', REPORT], /\/etc\/hostname is not JSON/],
  [['compare', REPORT, 'test/fixtures/reports/future-schema.json'], /future-schema\.json has report schema version 2; this overload reads version 1/],
  [['compare', REPORT, 'package.json'], /package\.json is not a valid overload report \(\d+ problems\)\.\n {2}- schemaVersion: /],
  [['report', '/nonexistent.json', '--format', 'md'], /Cannot read the report \/nonexistent\.json: ENOENT/],
  [['explain', '/nonexistent.log'], /cannot read \/nonexistent\.log: ENOENT/],
  [['explain', '/etc/hostname', '--window', 'forever'], /--window "forever" is not a window length/],
];

describe('bad input: exit 2, the input, the bad value and the fix, never a stack trace', function () {
  this.timeout(30_000);

  it(`has at least 30 rows (${BAD.length})`, () => assert.ok(BAD.length >= 30));

  for (const [argv, message] of BAD) {
    it(`overload ${argv.join(' ')}`, async () => {
      const { code, stdout, stderr } = await runMain(argv);
      assert.equal(code, ExitCode.usage, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /^Error: /m);
      assert.match(stderr, /^Hint: /m, 'every refusal says what to do instead');
      assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
      assert.equal(stdout, '');
    });
  }
});
