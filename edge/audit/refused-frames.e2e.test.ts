// A socket frame refused by a permission reaches the audit log like a refused HTTP command:
// who sent it, the frame's type as the action, the channel aimed at, the code answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditPage } from '../../contracts/audit.api.ts';
import { eventually } from '../../test/hub.ts';
import { type ChatHubs, type Person, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let ann: Person; // the admin
let bob: Person;

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
});
afterAll(() => t?.stop());

describe('a frame refused on the socket', () => {
  it('is a refused entry in the audit log', async () => {
    const ws = await bob.connect();
    ws.send({ type: 'typing', channel: 'parents-only', typing: true, ref: 'r1' });
    expect(await ws.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'chat.not_a_member' });
    await ws.close();
    const entry = await eventually(
      async () => {
        const page = await ann.json<AuditPage>('/api/v1/audit/entries?outcome=refused&limit=50');
        return page.entries.find((e: AuditEntry) => e.details.action === 'socket typing');
      },
      { timeoutMs: 20_000, what: 'the refused frame in the audit log' },
    );
    expect(entry).toMatchObject({
      outcome: 'refused',
      actor_id: bob.id,
      client_ip: '127.0.0.1',
      details: { kind: 'REFUSAL_KIND_FORBIDDEN', code: 'chat.not_a_member', target: 'parents-only' },
    });
  });
});
