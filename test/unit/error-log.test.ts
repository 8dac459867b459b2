import { rejects, strictEqual } from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatErrorLogLine, formatLogTime, openErrorLog, type ErrorLogEntry } from '../../fixtures/gateway/error-log.ts';

const ENTRY: ErrorLogEntry = {
  // Local time, as nginx prints it: the Date is built in local time, so the test holds in any TZ.
  time: new Date(2026, 10, 25, 20, 30, 1),
  pid: 1234,
  connection: 5,
  message: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  client: '127.0.0.1',
  request: 'GET / HTTP/1.1',
  upstream: 'http://127.0.0.1:3000/',
  host: '127.0.0.1:8080',
};

describe('formatErrorLogLine', () => {
  it("writes nginx's error-log line", () => {
    strictEqual(
      formatErrorLogLine(ENTRY),
      '2026/11/25 20:30:01 [error] 1234#0: *5 recv() failed (104: Connection reset by peer) while reading response header from upstream, ' +
        'client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:3000/", host: "127.0.0.1:8080"',
    );
  });

  it('leaves the host field out when the request had no Host header, as nginx does', () => {
    const withoutHost: ErrorLogEntry = { ...ENTRY };
    delete withoutHost.host;
    strictEqual(formatErrorLogLine(withoutHost).endsWith('upstream: "http://127.0.0.1:3000/"'), true);
  });

  it('pads every field of the time to two digits', () => {
    strictEqual(formatLogTime(new Date(2027, 0, 2, 3, 4, 5)), '2027/01/02 03:04:05');
  });
});

describe('openErrorLog', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'overload-error-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends one line per write and flushes them on close', async () => {
    const path = join(dir, 'error.log');
    const log = await openErrorLog(path);
    log.write('first');
    log.write('second');
    await log.close();
    strictEqual(await readFile(path, 'utf8'), 'first\nsecond\n');
  });

  it('appends to an existing file instead of truncating it', async () => {
    const path = join(dir, 'error.log');
    const first = await openErrorLog(path);
    first.write('run 1');
    await first.close();
    const second = await openErrorLog(path);
    second.write('run 2');
    await second.close();
    strictEqual(await readFile(path, 'utf8'), 'run 1\nrun 2\n');
  });

  it('writes nothing and says so when no path is given', async () => {
    const log = await openErrorLog(undefined);
    strictEqual(log.enabled, false);
    log.write('ignored');
    await log.close();
  });

  it('fails at open, naming the path and the fix, when the file cannot be created', async () => {
    const path = join(dir, 'missing-folder', 'error.log');
    await rejects(openErrorLog(path), (error: Error) => error.message.includes(JSON.stringify(path)) && error.message.includes('writable file path'));
  });
});
