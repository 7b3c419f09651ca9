// The family directory. A batch folds its events per account into what it changes, then
// writes everything in one statement, with no read of the rows first: an account the batch
// registers gets the row the batch builds for it, unless it already exists; an existing
// account gets the batch's changes applied in place. Being one statement, the live worker
// can send it together with BEGIN and COMMIT (see batchStatement in ../types.ts).
import type { CompiledQuery } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection, ProjectionContext, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1610_users.ts';
import * as m20270315 from './migrations/20270315T1000_erased.ts';
import { statement } from './statement.ts';
import type { UserRow, UsersDB } from './tables.ts';

export type Row = Omit<UserRow, 'last_seq'> & { last_seq: number };

/**
 * What a batch does to an account that already has a row: fields it sets (absent: left as
 * they are) and counters it adds to. It must agree with evolveRow event by event; the UPDATE
 * in statement() applies it.
 */
export type Patch = {
  id: string;
  /** The batch also builds a row for the account: patch it only if a row existed before. */
  created?: true;
  last_seq: number;
  role?: string;
  /** The three ban columns move together. */
  ban?: true;
  banned?: boolean;
  banned_until?: Date | null;
  ban_reason?: string | null;
  name?: string;
  image_set?: true;
  image?: string | null;
  last_sign_in_at?: Date;
  sign_ins?: number;
  failed?: number;
  /** Erased in this batch: the UPDATE blanks name, email and image, and keeps them blank. */
  erased_at?: Date;
};

type Account = { patch: Patch; created: Row | undefined };

export const IDENTITY_USERS = 'identity_users';

export const identityUsersProjection: Projection<UsersDB, IdentityEvent> = {
  name: IDENTITY_USERS,
  domain: 'identity',
  migrations: { '20261122T1610_users': m20261122, '20270315T1000_erased': m20270315 },
  lineage: { users: { key: ['id'], seq: 'last_seq' } },
  apply: async (events, ctx) => {
    const statement = compile(events, ctx, false);
    if (statement) await ctx.db.executeQuery(statement);
  },
  // The live worker's fast path has no answer for a repeated registration: the plain INSERT
  // fails, and the batch takes apply instead.
  batchStatement: (events, ctx) => compile(events, ctx, true),
};

function compile(
  events: StoredEvent<IdentityEvent>[],
  { db, schema }: ProjectionContext<UsersDB>,
  lean: boolean,
): CompiledQuery | null {
  const accounts = new Map<string, Account>();
  for (const e of events) {
    const id = accountOf(e);
    if (id === undefined) continue;
    let account = accounts.get(id);
    if (!account) {
      account = { patch: { id, last_seq: 0 }, created: undefined };
      accounts.set(id, account);
    }
    evolvePatch(account.patch, e);
    // The row this batch creates if the account has none yet: facts before its
    // registration are ignored, as evolveRow ignores facts about unknown accounts.
    account.created = evolveRow(account.created, e) ?? account.created;
  }
  const patches: Patch[] = [];
  const created: Row[] = [];
  for (const { patch, created: row } of accounts.values()) {
    if (row) {
      created.push(row);
      patch.created = true;
      if (lean) continue;
    }
    // No account has an empty id: a sign-in failure for an unknown email carries one.
    if (patch.last_seq > 0 && patch.id !== '') patches.push(patch);
  }
  if (patches.length === 0 && created.length === 0) return null;
  return statement(schema, patches, created, lean).compile(db);
}

export function evolveRow(row: Row | undefined, e: StoredEvent<IdentityEvent>): Row | undefined {
  const { event } = e;
  const at = { last_seq: e.seq };
  if (event.case === 'userRegistered') {
    const v = event.value;
    return {
      id: v.userId,
      email: v.email,
      name: v.name,
      image: null,
      role: v.role,
      banned: false,
      banned_until: null,
      ban_reason: null,
      registered_at: e.occurredAt,
      last_sign_in_at: null,
      sign_in_count: 0,
      failed_sign_ins: 0,
      erased_at: null,
      ...row,
      ...at,
    };
  }
  if (!row) return undefined; // sign-in failures for unknown emails, or facts before registration
  switch (event.case) {
    case 'roleChanged':
      return { ...row, role: event.value.toRole, ...at };
    case 'userBanned': {
      const ms = Number(event.value.expiresAtMs);
      return {
        ...row,
        banned: true,
        banned_until: ms ? new Date(ms) : null,
        ban_reason: event.value.reason,
        ...at,
      };
    }
    case 'userUnbanned':
      return { ...row, banned: false, banned_until: null, ban_reason: null, ...at };
    case 'profileUpdated':
      // Erased: whatever a late update carried, a rebuild reads it blank.
      if (row.erased_at) return { ...row, ...at };
      return {
        ...row,
        name: event.value.name ?? row.name,
        image: event.value.image === undefined ? row.image : event.value.image || null,
        ...at,
      };
    case 'signedIn':
      return { ...row, last_sign_in_at: e.occurredAt, sign_in_count: row.sign_in_count + 1, ...at };
    case 'signInFailed':
      return { ...row, failed_sign_ins: row.failed_sign_ins + 1, ...at };
    case 'passwordChanged':
    case 'signedOut':
    case 'sessionRevoked':
    case 'inviteCreated':
    case 'inviteUsed':
    case 'inviteRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
    case 'apiKeyIssued':
    case 'apiKeyRevoked':
    case 'webhookRegistered':
    case 'webhookChanged':
    case 'webhookRemoved':
      return undefined;
    case 'memberErased':
      // Exactly what a rebuild from the shredded events leaves: UserRegistered's email and name
      // read '', ProfileUpdated's name and image unset.
      return { ...row, email: '', name: '', image: null, erased_at: row.erased_at ?? e.occurredAt, ...at };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The account an event is about; undefined for the family's and invites' events. */
export function accountOf({ event }: StoredEvent<IdentityEvent>): string | undefined {
  // Invites are identity_invites' (an invite's use names its account, but changes no row).
  if (event.case === 'inviteCreated' || event.case === 'inviteUsed' || event.case === 'inviteRevoked')
    return undefined;
  if (event.case === 'memberErased') return event.value.memberId;
  return event.value && 'userId' in event.value ? event.value.userId : undefined;
}

/** evolveRow for a row that exists but is not read: records the change instead of making it. */
export function evolvePatch(p: Patch, e: StoredEvent<IdentityEvent>): void {
  const { event } = e;
  switch (event.case) {
    case 'userRegistered':
      break; // an existing account keeps its row
    case 'roleChanged':
      p.role = event.value.toRole;
      break;
    case 'userBanned': {
      const ms = Number(event.value.expiresAtMs);
      p.ban = true;
      p.banned = true;
      p.banned_until = ms ? new Date(ms) : null;
      p.ban_reason = event.value.reason;
      break;
    }
    case 'userUnbanned':
      p.ban = true;
      p.banned = false;
      p.banned_until = null;
      p.ban_reason = null;
      break;
    case 'profileUpdated':
      if (p.erased_at) break;
      if (event.value.name !== undefined) p.name = event.value.name;
      if (event.value.image !== undefined) {
        p.image_set = true;
        p.image = event.value.image || null;
      }
      break;
    case 'signedIn':
      p.last_sign_in_at = e.occurredAt;
      p.sign_ins = (p.sign_ins ?? 0) + 1;
      break;
    case 'signInFailed':
      p.failed = (p.failed ?? 0) + 1;
      break;
    case 'passwordChanged':
    case 'signedOut':
    case 'sessionRevoked':
    case 'inviteCreated':
    case 'inviteUsed':
    case 'inviteRevoked':
    case 'familyNamed':
    case 'signUpPolicySet':
    case 'apiKeyIssued':
    case 'apiKeyRevoked':
    case 'webhookRegistered':
    case 'webhookChanged':
    case 'webhookRemoved':
      return; // changes nothing, not even last_seq
    case 'memberErased':
      p.erased_at ??= e.occurredAt;
      break;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown identity event ${String(unreachable)}`);
    }
  }
  p.last_seq = e.seq;
}
