import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { markDatabaseError } from '../db/errors';
import { createLogger } from '../log';
import { reportRequestError } from './request-error';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger(stream, 'info'), lines };
}

describe('reportRequestError (instrumentation onRequestError)', () => {
  it('logs one redacted line: path without its query, request id, digest — no parameters, no secrets', () => {
    const { log, lines } = capture();
    // What PGlite throws: the query's bound parameters ride along on the error.
    const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00 (key gk_ab12cd_s3cr3tkeymaterial)'), {
      code: '22021',
      query: 'insert into api_keys (user_id, name, prefix, secret_hash) values ($1, $2, $3, $4)',
      params: ['local', 'x\u0000', 'ab12cd', '9f86d081884c7d659a2feaa0c55ad015-secret-hash'],
      digest: '12345',
    });
    reportRequestError(
      err,
      { path: '/api/v1/oauth/x/callback?code=oauth-code-SECRET&state=st', method: 'GET', headers: { 'x-request-id': 'req-abcdef12' } },
      { routePath: '/settings', routeType: 'render', renderSource: 'react-server-components' },
      log,
    );
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 50,
      msg: 'unhandled error',
      path: '/api/v1/oauth/x/callback',
      requestId: 'req-abcdef12',
      digest: '12345',
      routeType: 'render',
      err: { type: 'Error', errorCode: '22021' },
    });
    for (const secret of ['oauth-code-SECRET', 's3cr3tkeymaterial', 'secret-hash', 'state=st']) expect(lines[0]).not.toContain(secret);
  });

  it('logs an unreachable database as a warning, and ignores a malformed request id', () => {
    const { log, lines } = capture();
    const err = markDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    reportRequestError(err, { path: '/', method: 'GET', headers: { 'x-request-id': 'bad id\nforged' } }, {}, log);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 40, msg: 'database unavailable', digest: 'database_unavailable', path: '/' });
    expect(line).not.toHaveProperty('requestId');
  });
});
