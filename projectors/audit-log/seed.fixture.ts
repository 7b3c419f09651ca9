// The audit read model on real services, given events of every stream (with the whole
// metadata, an edit made by an admin as a child, a refusal, an old event with a NUL), for the
// read model's and the queries' specs.
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../contracts/audit.api.ts';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { Log } from '../../writers/log/open.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { publish } from './events.fixture.ts';
import { auditLogProjections } from './projection.ts';
import { type AuditFilter, auditPage } from './queries.ts';

export const SECRET = 'the words no admin may read';
/** A file's SHA-256, the id of its blob's subject. */
export const SHA = 'a'.repeat(64);
const t0 = Date.parse('2030-03-01T10:00:00Z');
export const at = (minutes: number) => new Date(t0 + minutes * 60_000);

export type SeededAuditLog = {
  rt: TestRuntime;
  db: Kysely<unknown>;
  log: Log;
  runner: ProjectorRunner;
  /** Every entry the filter lets through, newest first. */
  all: (filter?: AuditFilter) => Promise<AuditEntry[]>;
};

export async function startSeededAuditLog(): Promise<SeededAuditLog> {
  const rt = await openTestRuntime();
  const { db, log } = rt;
  const runner = await rt.runner([
    identityUsersProjection,
    ...auditLogProjections,
  ] as unknown as AnyProjection[]);
  const seqs: Record<string, number> = {};
  const settled = async () => {
    for (const domain of ['identity', 'chat', 'play', 'media', 'audit'] as const) {
      const seq = seqs[domain];
      if (seq !== undefined && !(await runner.waitFor(`audit_log_${domain}`, seq, 5000)))
        throw new Error(`audit_log_${domain} did not reach ${seq}`);
    }
    if (!(await runner.waitFor('identity_users', seqs.identity ?? 0, 5000)))
      throw new Error('identity_users');
  };
  const n = log.names;
  const who = { clientIp: '10.1.2.3', userAgent: 'Firefox/130' };
  await publish(
    log,
    'identity',
    n.identity.account('ann'),
    {
      case: 'userRegistered',
      value: { userId: 'ann', email: 'ann@family.test', name: 'Ann Admin', role: 'admin' },
    },
    { actorId: 'ann', at: at(0), ...who },
  );
  seqs.identity = await publish(
    log,
    'identity',
    n.identity.account('kid'),
    {
      case: 'userRegistered',
      value: { userId: 'kid', email: 'kid@family.test', name: 'Kid', role: 'child' },
    },
    { actorId: 'kid', at: at(1) },
  );
  await publish(
    log,
    'chat',
    n.chat.message('dm1', 'm1'),
    {
      case: 'messagePosted',
      value: {
        channelId: 'dm1',
        messageId: 'm1',
        senderId: 'kid',
        content: SECRET,
        mentionIds: ['ann'],
        attachments: [
          {
            fileId: 'f1',
            contentType: 'image/png',
            fileName: 'secret-name.png',
            sizeBytes: 10n,
            width: 2,
            height: 3,
          },
          { fileId: 'f2', contentType: 'image/jpeg', fileName: 'other.jpg', sizeBytes: 20n },
        ],
      },
    },
    { actorId: 'kid', at: at(2), ...who },
  );
  seqs.chat = await publish(
    log,
    'chat',
    n.chat.message('dm1', 'm1'),
    {
      case: 'messageEdited',
      value: { channelId: 'dm1', messageId: 'm1', editorId: 'kid', content: `${SECRET}, edited` },
    },
    { actorId: 'ann', onBehalfOf: 'kid', at: at(3), ...who },
  );
  seqs.play = await publish(
    log,
    'play',
    n.play.match('x1'),
    {
      case: 'matchReported',
      value: {
        matchId: 'x1',
        game: 'chess',
        gameName: 'Chess',
        placements: [
          { userId: 'ann', place: 1 },
          { userId: 'kid', place: 2 },
        ],
        reportedBy: 'ann',
        expiresAt: { seconds: BigInt(Date.parse('2030-03-02T00:00:00Z') / 1000), nanos: 0 },
      },
    },
    { actorId: 'ann', at: at(4) },
  );
  seqs.media = await publish(
    log,
    'media',
    n.media.rejection('r1'),
    {
      case: 'uploadRejected',
      value: {
        rejectionId: 'r1',
        ownerId: 'kid',
        fileName: 'virus.exe',
        sizeBytes: 68n,
        signature: 'Eicar',
        kind: 'photo',
      },
    },
    { actorId: 'kid', at: at(5) },
  );
  seqs.audit = await publish(
    log,
    'audit',
    n.audit.refusal('q1'),
    {
      case: 'attemptRefused',
      value: {
        refusalId: 'q1',
        kind: RefusalKind.FORBIDDEN,
        action: 'POST /api/v1/admin/users/:id/role',
        code: 'forbidden',
        count: 5,
        account: 'kid@family.test',
      },
    },
    { actorId: 'kid', at: at(6) },
  );
  // A marked string with a NUL, from an old writer that did not refuse it.
  seqs.chat = await publish(
    log,
    'chat',
    n.chat.members('c9'),
    {
      case: 'memberJoined',
      value: { channelId: 'c9', userId: 'a\u0000b', addedBy: '' },
    },
    { at: at(7) },
  );
  // A file's bytes: their hash names the blob's subject, and no entry may show it. A failed
  // sign-in at the very same time on another stream: the pages must keep both, once each.
  seqs.media = await publish(
    log,
    'media',
    n.media.blob(SHA),
    {
      case: 'fileUploaded',
      value: { fileId: 'f9', sha256: SHA, blobId: SHA, ownerId: 'kid', kind: 'photo', sizeBytes: 68n },
    },
    { actorId: 'kid', at: at(8) },
  );
  seqs.identity = await publish(
    log,
    'identity',
    n.identity.account('kid'),
    { case: 'signInFailed', value: { userId: 'kid', email: 'kid@family.test', reason: 'bad_password' } },
    { actorId: 'kid', at: at(8), clientIp: '10.6.6.6' },
  );
  seqs.media = await publish(
    log,
    'media',
    n.media.blob(SHA),
    { case: 'blobReleased', value: { sha256: SHA, storageKey: 'k1' } },
    { at: at(9) },
  );
  await settled();
  const all = async (filter: AuditFilter = {}) => (await auditPage(db, { filter, limit: 200 })).entries;
  return { rt, db, log, runner, all };
}
