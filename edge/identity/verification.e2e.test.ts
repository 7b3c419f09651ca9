// With an SMTP server configured, a new account must confirm its email before it can sign in.
// The SMTP server here is a real one speaking the protocol, small enough to read: it keeps
// what it receives.
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let smtp: Server;
const mails: string[] = [];

function startSmtp(): Server {
  return createServer((socket) => {
    let data = false;
    let body = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString().split('\r\n')) {
        if (data) {
          if (line === '.') {
            data = false;
            mails.push(body);
            body = '';
            socket.write('250 queued\r\n');
          } else body += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (!line) continue;
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 test\r\n');
        else if (verb === 'DATA') {
          data = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
}

beforeAll(async () => {
  smtp = startSmtp().listen(0, '127.0.0.1');
  await once(smtp, 'listening');
  const address = smtp.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  t = await startTestHub({
    identity: { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Hearth <hearth@family.test>' },
  });
});
afterAll(async () => {
  await t?.stop();
  smtp?.close();
});

describe('when email verification is on', () => {
  it('refuses sign-in until the emailed link is opened, then signs in', async () => {
    const ann = t.client();
    const signUp = await ann.signUp({ email: 'ann@family.test' });
    expect(signUp.status).toBe(200);
    expect((await ann.request('/api/auth/get-session')).status).toBe(401);

    const refused = await ann.signIn({ email: 'ann@family.test' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'identity.email_not_verified' });

    const deadline = Date.now() + 5000;
    while (mails.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const mail = mails.find((m) => m.includes('ann@family.test')) ?? '';
    // Quoted-printable: soft line breaks and =XX escapes.
    const text = mail
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    const link = text.match(/https?:\/\/\S+verify-email\?token=\S+/)?.[0];
    expect(link).toBeTruthy();

    const url = new URL(link as string);
    expect(url.searchParams.get('callbackURL')).toBe(`${t.origin}/`);

    const tampered = await ann.request(
      `${url.pathname}?token=not-a-token&callbackURL=${encodeURIComponent(`${t.origin}/`)}`,
    );
    expect(tampered.status).toBe(302);
    expect(tampered.headers.get('Location')).toBe(`${t.origin}/?error=INVALID_TOKEN`);

    const relative = await ann.request(`${url.pathname}?token=expired&callbackURL=%2F`);
    expect(relative.status).toBe(302);

    const verified = await ann.request(url.pathname + url.search);
    expect(verified.status).toBe(302);
    expect(await ann.me()).toMatchObject({ email: 'ann@family.test', role: 'admin' });
    const session = (await (await ann.request('/api/auth/get-session')).json()) as {
      user: { emailVerified: boolean };
    };
    expect(session.user.emailVerified).toBe(true);
  });
});
