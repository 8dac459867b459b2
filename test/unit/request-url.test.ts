import assert from 'node:assert/strict';
import { pathProblem, requestUrl } from '../../harness/load/request-url.ts';

describe('the URL a driver loads', () => {
  it('appends the path to the base’s origin, keeping the query', () => {
    assert.equal(requestUrl('http://127.0.0.1:4000', '/orders?limit=5').href, 'http://127.0.0.1:4000/orders?limit=5');
    assert.equal(requestUrl('http://127.0.0.1:4000/ignored/', '/x').href, 'http://127.0.0.1:4000/x');
  });

  it('never lets a path name another host (new URL(path, base) would: //host is scheme-relative)', () => {
    assert.equal(new URL('//169.254.169.254/latest', 'http://127.0.0.1:4000').host, '169.254.169.254', 'the trap itself');
    // Appended to the origin, // is only an empty path segment on the same host.
    assert.equal(requestUrl('http://127.0.0.1:4000', '//169.254.169.254/latest').host, '127.0.0.1:4000');
    assert.equal(requestUrl('http://127.0.0.1:4000', '/\\evil.example/').host, '127.0.0.1:4000');
    assert.equal(requestUrl('http://127.0.0.1:4000', '@evil.example/').host, '127.0.0.1:4000');
    assert.equal(requestUrl('http://127.0.0.1:4000', ':80@evil.example/').host, '127.0.0.1:4000');
  });

  it('names what is wrong with a request path', () => {
    assert.deepEqual(['/', '/a/b?c=1', 'a', '//x', '/\\x'].map(pathProblem), [
      null,
      null,
      'must start with /',
      'must not start with // (a URL parser reads //host/… as another host)',
      'must not contain a backslash (URL parsers read it as /)',
    ]);
  });
});
