// A whole hub with a private clamd and a family signed up on it, for the media e2e tests:
// the first to sign up is the admin, and each child is made one by the admin.
import { expect } from 'vitest';
import type { UploadResponse } from '../contracts/media.api.ts';
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

/** The headers a signed-in client sends, for requests made on the app directly. */
export function headersOf(
  t: TestHub,
  client: TestClient,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'X-Forwarded-For': client.ip,
    Origin: t.origin,
    Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    ...extra,
  };
}

/** POST /upload as multipart; `type` null sends no type part, as seed 001's clients do. */
export function postUpload(
  t: TestHub,
  client: TestClient,
  bytes: Uint8Array | string,
  {
    name = 'photo.jpg',
    type = 'photo',
    contentType = 'image/jpeg',
  }: { name?: string; type?: string | null; contentType?: string } = {},
): Response | Promise<Response> {
  const form = new FormData();
  if (type) form.append('type', type);
  form.append(
    'file',
    new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: contentType }),
    name,
  );
  return t.hub.app.request(`${t.origin}/api/v1/upload`, {
    method: 'POST',
    headers: headersOf(t, client),
    body: form,
  });
}

/** An upload that must succeed, read back once the media read model has it. */
export async function uploadedTo(
  t: TestHub,
  client: TestClient,
  bytes: Uint8Array | string,
  opts?: Parameters<typeof postUpload>[3],
): Promise<UploadResponse> {
  const res = await postUpload(t, client, bytes, opts);
  expect(res.status, await res.clone().text()).toBe(201);
  const up = (await res.json()) as UploadResponse;
  expect((await client.request(`/api/v1/files/${up.id}?after=${up.seq}`)).status).toBe(200);
  return up;
}
