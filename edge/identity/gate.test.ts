import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { codeFor } from './errors.ts';
import { authPath, toEnvelope } from './gate.ts';
import { domainAllowed } from './registration.ts';

const logger = pino({ level: 'silent' });

describe('the path below /api/auth', () => {
  it.each([
    ['http://h/api/auth/get-session', '/get-session'],
    ['http://h/api/auth/admin/list-users', '/admin/list-users'],
    ['http://h/api/auth/Admin/list-users/', '/admin/list-users'],
    ['http://h/api/auth//admin//ban-user', '/admin/ban-user'],
    ['http://h/api/auth/%61dmin/set-role', '/admin/set-role'],
    ['http://h/api/auth/update-user?x=1', '/update-user'],
  ])('%s → %s', (url, path) => expect(authPath(url)).toBe(path));
});

describe('better-auth error bodies', () => {
  it('become { error, code } with the code under identity.', async () => {
    const res = await toEnvelope(
      Response.json(
        { message: 'Invalid email or password', code: 'INVALID_EMAIL_OR_PASSWORD' },
        { status: 401 },
      ),
      logger,
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'Invalid email or password',
      code: 'identity.invalid_email_or_password',
    });
  });

  it('become rate_limited with Retry-After over the limit', async () => {
    const res = await toEnvelope(
      Response.json({ message: 'Too many requests.' }, { status: 429, headers: { 'X-Retry-After': '7' } }),
      logger,
    );
    expect(res.headers.get('Retry-After')).toBe('7');
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'rate_limited' });
  });

  it('leak nothing on a server error', async () => {
    const res = await toEnvelope(
      Response.json({ message: 'relation "user" does not exist', stack: 'at db.ts:1' }, { status: 500 }),
      logger,
    );
    expect(await res.json()).toEqual({ error: 'Something went wrong on our side.', code: 'internal' });
  });

  it('fall back to the status when there is no JSON', async () => {
    const res = await toEnvelope(new Response('nope', { status: 404, statusText: 'Not Found' }), logger);
    expect(await res.json()).toEqual({ error: 'Not Found', code: 'not_found' });
  });

  it('pass successes through untouched', async () => {
    const ok = Response.json({ token: 't' });
    expect(await toEnvelope(ok, logger)).toBe(ok);
  });

  it('never take a code that is not a plain identifier', () => {
    expect(codeFor(400, 'bad code<script>')).toBe('invalid_request');
    expect(codeFor(403, undefined)).toBe('forbidden');
  });
});

describe('allowed email domains', () => {
  it('allow any domain when none are listed', () => expect(domainAllowed('a@b.test', [])).toBe(true));
  it('match the whole domain, case-insensitively', () => {
    expect(domainAllowed('A@Family.Test', ['family.test'])).toBe(true);
    expect(domainAllowed('a@evil.family.test', ['family.test'])).toBe(false);
    expect(domainAllowed('a@family.test.evil', ['family.test'])).toBe(false);
    expect(domainAllowed('a@b@family.test', ['family.test'])).toBe(true);
  });
});
