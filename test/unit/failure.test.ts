import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { errors } from 'undici';
import { describeError } from '../../fixtures/gateway/failure.ts';

describe('describeError', () => {
  it("takes undici's codes from its error classes", () => {
    strictEqual(describeError(new errors.HeadersTimeoutError()).code, 'UND_ERR_HEADERS_TIMEOUT');
    strictEqual(describeError(new errors.HeadersOverflowError()).code, 'UND_ERR_HEADERS_OVERFLOW');
    strictEqual(describeError(new errors.ConnectTimeoutError()).code, 'UND_ERR_CONNECT_TIMEOUT');
    strictEqual(describeError(new errors.BodyTimeoutError()).code, 'UND_ERR_BODY_TIMEOUT');
    deepStrictEqual(describeError(new errors.SocketError('other side closed')), { code: 'UND_ERR_SOCKET', message: 'other side closed' });
  });

  it("names an HTTPParserError (whose code is undefined) by its name, with the bytes after the fault", () => {
    // undici's constructor takes (message, code, data) and keeps data as a string; its types omit data.
    const error = Object.assign(new errors.HTTPParserError('Response does not match the HTTP/1.1 protocol (Invalid header token)'), { data: '\u0001: v' });
    deepStrictEqual(describeError(error), { code: 'HTTPParserError', message: error.message, detail: '\u0001: v' });
  });

  it('keeps the host name of a resolver error', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND upstream.invalid'), { code: 'ENOTFOUND', hostname: 'upstream.invalid' });
    deepStrictEqual(describeError(error), { code: 'ENOTFOUND', message: error.message, detail: 'upstream.invalid' });
  });

  it('describes something thrown that is not an Error', () => {
    deepStrictEqual(describeError('nope'), { code: 'UNKNOWN', message: 'nope' });
  });
});
