// A whole hub with a private clamd and a family signed up on it, for the media e2e tests:
// the first to sign up is the admin, and each child is made one by the admin.
import { expect } from 'vitest';
import { type PrivateClamd, startClamd } from './clamd.ts';
import { startTestHub, type TestClient, type TestHub } from './hub.ts';

export type MediaFamily = {
  t: TestHub;
  clamd: PrivateClamd;
  admin: TestClient;
  /** By name, in the order given. */
  members: TestClient[];
  children: TestClient[];
  stop: () => Promise<void>;
};

export async function startMediaFamily({
  admin = 'Admin',
  members = [],
  children = [],
  env = {},
}: {
  admin?: string;
  members?: string[];
  children?: string[];
  env?: Record<string, string>;
}): Promise<MediaFamily> {
  const clamd = await startClamd();
  const t = await startTestHub({ env: { CLAMD_URL: clamd.url, HEARTH_COMMAND_RATE_LIMIT: '10000', ...env } });
  const join = async (name: string) => {
    const client = t.client();
    await client.signUp({ email: `${name.toLowerCase()}@family.test`, name });
    return client;
  };
  const first = await join(admin);
  const grown = [];
  for (const name of members) grown.push(await join(name));
  const kids = [];
  for (const name of children) {
    const kid = await join(name);
    const id = (await kid.me()).id;
    expect((await first.request(`/api/v1/admin/users/${id}/role`, { body: { role: 'child' } })).status).toBe(
      200,
    );
    kids.push(kid);
  }
  return {
    t,
    clamd,
    admin: first,
    members: grown,
    children: kids,
    stop: async () => {
      await t.stop();
      await clamd.stop();
    },
  };
}
