// What counts as "the database is away": a 503 to retry, never a 500 (edge/http/errors.ts).
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './pool.ts';

const coded = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('a database failure', () => {
  it('is unavailability when the server refuses, restarts, shuts down or drops the connection', () => {
    for (const err of [
      coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      coded('ECONNRESET'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P02'),
      coded('57P03', 'the database system is starting up'),
      coded('53300', 'sorry, too many clients already'),
      coded('08006'),
      coded('08P01'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('driver has already been destroyed'),
    ]) {
      expect(isDatabaseUnavailable(err), String(err)).toBe(true);
    }
  });

  it('is found under the errors that wrap it', () => {
    const driver = coded('ECONNREFUSED');
    expect(isDatabaseUnavailable(new Error('Failed to get session', { cause: driver }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: new Error('inner', { cause: driver }) }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new AggregateError([new Error('x'), driver]))).toBe(true);
  });

  it('is not unavailability when the request or the code is at fault', () => {
    for (const err of [
      coded('23505', 'duplicate key value violates unique constraint'),
      coded('42601', 'syntax error'),
      coded('22P02'),
      coded('57014', 'canceling statement due to statement timeout'),
      coded('53100', 'could not extend file: No space left on device'),
      new Error('something else'),
      new TypeError('x is undefined'),
      null,
      'ECONNREFUSED',
    ]) {
      expect(isDatabaseUnavailable(err), String(err)).toBe(false);
    }
  });

  it('is not looked for forever in an error that causes itself', () => {
    const err = new Error('loop') as Error & { cause?: unknown };
    err.cause = err;
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
