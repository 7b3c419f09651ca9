// One stored event as one audit entry: who, as whom, did what to which aggregate, from where,
// with what outcome; and the fields its schema lets an admin see.
import type { DescMessage } from '@bufbuild/protobuf';
import { ENVELOPES } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import type { StoredEvent } from '../runtime/types.ts';
import { clean, detailsOf } from './details.ts';

export type Entry = {
  seq: number;
  at: Date;
  actor_id: string | null;
  on_behalf_of: string | null;
  action: string;
  target: string;
  outcome: 'ok' | 'refused';
  client_ip: string | null;
  user_agent: string | null;
  count: number;
  /** JSON of the shown fields. */
  details: string;
};

/** What every event of one type shares, found once. */
type Kind = { action: string; desc: DescMessage; refused: boolean; counted: boolean };

/** The events that stand for refused attempts rather than things done. */
const REFUSED = new Set(['audit.AttemptRefused', 'media.UploadRejected']);
const kinds = new Map<Domain, Map<string, Kind>>();

function kindOf(domain: Domain, eventCase: string): Kind | undefined {
  let byCase = kinds.get(domain);
  if (!byCase) {
    byCase = new Map();
    for (const field of ENVELOPES[domain].fields) {
      if (field.fieldKind !== 'message' || field.oneof === undefined) continue;
      const action = `${domain}.${field.message.name}`;
      byCase.set(field.localName, {
        action,
        desc: field.message,
        refused: REFUSED.has(action),
        counted: action === 'audit.AttemptRefused',
      });
    }
    kinds.set(domain, byCase);
  }
  return byCase.get(eventCase);
}

export function toEntry(domain: Domain, e: StoredEvent): Entry {
  const kind = kindOf(domain, e.event.case);
  const value = e.event.value as object;
  return {
    seq: e.seq,
    at: e.occurredAt,
    actor_id: text(e.actorId),
    on_behalf_of: text(e.onBehalfOf),
    action: kind?.action ?? `${domain}.${clean(e.type.slice(e.type.lastIndexOf('.') + 1))}`,
    target: clean(targetOf(e.subject)),
    outcome: kind?.refused ? 'refused' : 'ok',
    client_ip: text(e.clientIp),
    user_agent: text(e.userAgent),
    count: kind?.counted ? Math.max(1, Number((value as { count?: unknown }).count) || 1) : 1,
    details: kind ? JSON.stringify(detailsOf(kind.desc, value)) : '{}',
  };
}

/** The subject without the namespace and `hearth.`: hearth.chat.channel.c1.members → chat.channel.c1.members. */
export function targetOf(subject: string): string {
  if (subject.startsWith('hearth.')) return subject.slice(7);
  const at = subject.indexOf('.hearth.');
  return at < 0 ? subject : subject.slice(at + 8);
}

function text(value: string | undefined): string | null {
  return value ? clean(value) : null;
}
