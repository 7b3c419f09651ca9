import { create } from '@bufbuild/protobuf';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberErasedSchema } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import {
  ProfileUpdatedSchema,
  RoleChangedSchema,
  UserBannedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, registered, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { Log } from '../../writers/log/open.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { identityUsersProjection } from './projection.ts';
import { findUser, listUsers } from './queries.ts';

let rt: TestRuntime;
let db: Kysely<unknown>;
let log: Log;
let runner: ProjectorRunner;

beforeAll(async () => {
  rt = await openTestRuntime();
  ({ db, log } = rt);
  runner = await rt.runner([identityUsersProjection as unknown as AnyProjection]);
});
afterAll(() => rt.cleanup());

describe('the users read model', () => {
  it('lists a registered member with their sign-ins counted', async () => {
    await publishIdentity(log, registered('ann'));
    await publishIdentity(log, signedIn('ann'));
    const seq = await publishIdentity(log, signedIn('ann', 's2'));
    expect(await runner.waitFor('identity_users', seq, 5000)).toBe(true);
    expect(await findUser(db, 'ann')).toMatchObject({ role: 'member', signInCount: 2, banned: false });
  });

  it('follows role changes and bans', async () => {
    await publishIdentity(log, registered('bob'));
    await publishIdentity(log, {
      case: 'roleChanged',
      value: create(RoleChangedSchema, { userId: 'bob', fromRole: 'member', toRole: 'child' }),
    });
    const until = Date.parse('2030-01-01T00:00:00Z');
    const seq = await publishIdentity(log, {
      case: 'userBanned',
      value: create(UserBannedSchema, { userId: 'bob', reason: 'spam', expiresAtMs: BigInt(until) }),
    });
    await runner.waitFor('identity_users', seq, 5000);
    expect(await findUser(db, 'bob')).toMatchObject({
      role: 'child',
      banned: true,
      bannedUntil: '2030-01-01T00:00:00.000Z',
    });
  });

  it('ignores facts about accounts it never saw registered', async () => {
    const seq = await publishIdentity(log, signedIn('ghost'));
    await runner.waitFor('identity_users', seq, 5000);
    expect(await findUser(db, 'ghost')).toBeUndefined();
  });

  it('blanks an erased member as a rebuild from their shredded events does', async () => {
    await publishIdentity(log, registered('dora'));
    await publishIdentity(log, {
      case: 'profileUpdated',
      value: create(ProfileUpdatedSchema, { userId: 'dora', name: 'Dora D.', image: 'https://img/d.png' }),
    });
    const before = await publishIdentity(log, signedIn('dora'));
    await runner.waitFor('identity_users', before, 5000);
    expect(await findUser(db, 'dora')).toMatchObject({ name: 'Dora D.', email: 'dora@family.test' });
    const seq = await publishIdentity(log, {
      case: 'memberErased',
      value: create(MemberErasedSchema, { memberId: 'dora', requestedBy: 'dora', requestedAtMs: 1n }),
    });
    // As the member_erasure reactor does: their key goes.
    await log.keys.erase('dora');
    expect(await runner.waitFor('identity_users', seq, 5000)).toBe(true);
    const live = await findUser(db, 'dora');
    expect(live).toMatchObject({
      email: '',
      name: '',
      image: null,
      signInCount: 1,
      erasedAt: expect.any(String),
    });
    const progress = await runner.rebuild('identity_users');
    expect(progress).toMatchObject({ status: 'done', remaining: 0 });
    expect(await findUser(db, 'dora')).toEqual(live);
  });

  it('rebuilds from the log into the same rows', async () => {
    const before = await listUsers(db);
    const progress = await runner.rebuild('identity_users');
    expect(progress).toMatchObject({ status: 'done', remaining: 0 });
    expect(await listUsers(db)).toEqual(before);
    // The live worker resumes after the switch.
    const seq = await publishIdentity(log, registered('cat'));
    expect(await runner.waitFor('identity_users', seq, 5000)).toBe(true);
    expect(await findUser(db, 'cat')).toBeDefined();
  });
});
