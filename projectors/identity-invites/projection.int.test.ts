// The invites read model on real NATS and Postgres, fed by the identity writer's decisions.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { createIdentityWriter, type IdentityWriter } from '../../writers/identity/commands.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { IDENTITY_INVITES, identityInvitesProjection } from './projection.ts';
import { listInvites } from './queries.ts';

let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
let writer: IdentityWriter;

const meta = (now = new Date()): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'admin1',
  correlationId: 'test',
  now,
});
const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const settled = async (seq: number) => expect(await runner.waitFor(IDENTITY_INVITES, seq, 5000)).toBe(true);
const entry = async (id: string) => (await listInvites(db)).find((i) => i.id === id);

beforeAll(async () => {
  rt = await openTestRuntime();
  db = rt.db;
  runner = await rt.runner([identityInvitesProjection as unknown as AnyProjection]);
  writer = createIdentityWriter({ appender: createAppender({ log: rt.log }) });
});
afterAll(() => rt.cleanup());

describe('the invites read model', () => {
  it('lists a new invite as active, with its role, expiry, uses and maker', async () => {
    const expiresAt = days(7);
    const { seq } = await writer.createInvite(
      { inviteId: 'i1', role: 'child', expiresAt, maxUses: 2 },
      meta(),
    );
    await settled(seq);
    expect(await entry('i1')).toMatchObject({
      role: 'child',
      status: 'active',
      expiresAt: expiresAt.toISOString(),
      maxUses: 2,
      uses: 0,
      usedBy: [],
      createdBy: 'admin1',
      revokedAt: null,
    });
  });

  it('counts its uses and the accounts they made, then shows it used up', async () => {
    await writer.useInvite({ inviteId: 'i1', userId: 'u1' }, meta());
    const { seq } = await writer.useInvite({ inviteId: 'i1', userId: 'u2' }, meta());
    await settled(seq);
    expect(await entry('i1')).toMatchObject({ status: 'used_up', uses: 2, usedBy: ['u1', 'u2'] });
  });

  it('shows a revoked invite as revoked, and who revoked it', async () => {
    await writer.createInvite({ inviteId: 'i2', role: 'member', expiresAt: days(1), maxUses: 1 }, meta());
    const { seq } = await writer.revokeInvite({ inviteId: 'i2' }, meta());
    await settled(seq);
    expect(await entry('i2')).toMatchObject({ status: 'revoked', revokedBy: 'admin1' });
  });

  it('shows an invite past its expiry as expired', async () => {
    const { seq } = await writer.createInvite(
      { inviteId: 'i3', role: 'member', expiresAt: days(1), maxUses: 1 },
      meta(),
    );
    await settled(seq);
    const later = (await listInvites(db, days(2))).find((i) => i.id === 'i3');
    expect(later?.status).toBe('expired');
  });

  it('rebuilds from the log into the same rows', async () => {
    const before = await listInvites(db);
    expect(await runner.rebuild(IDENTITY_INVITES)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await listInvites(db)).toEqual(before);
  });
});
