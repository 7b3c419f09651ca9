// One stored event as one audit entry: who, as whom, did what to which aggregate, from where,
// with what outcome; and the fields its schema lets an admin see.
import type { DescMessage } from '@bufbuild/protobuf';
import { ENVELOPES } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import type { StoredEvent } from '../runtime/types.ts';
import { clean, type Details, detailsOf } from './details.ts';

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
type Kind = { action: string; desc: DescMessage; refused: boolean; counted: boolean; anonymous: boolean };

/** The events that stand for refused attempts rather than things done. */
const REFUSED = new Set(['audit.AttemptRefused', 'media.UploadRejected', 'identity.SignInFailed']);
/** The domains whose streams can hold refused entries. */
export const REFUSED_DOMAINS: ReadonlySet<string> = new Set(
  [...REFUSED].map((a) => a.slice(0, a.indexOf('.'))),
);
/**
 * Refusals whose metadata names the account that was tried, not who tried it: a failed
 * sign-in is nobody's act (the tried account stays in the details, where its schema marks it).
 */
const NO_ACTOR = new Set(['identity.SignInFailed']);
/** Events coalesced from many attempts or uses, each carrying how many it stands for. */
const COUNTED = new Set(['audit.AttemptRefused', 'audit.ApiKeyUsed']);
/** entries.count is a Postgres integer; a larger count (uint32 in AttemptRefused) is stored as this. */
export const MAX_COUNT = 2_147_483_647;
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
        counted: COUNTED.has(action),
        anonymous: NO_ACTOR.has(action),
      });
    }
    kinds.set(domain, byCase);
  }
  return byCase.get(eventCase);
}

export function toEntry(domain: Domain, e: StoredEvent): Entry {
  const kind = kindOf(domain, e.event.case);
  const value = e.event.value as object;
  const details = kind ? detailsOf(kind.desc, value) : {};
  return {
    seq: e.seq,
    at: e.occurredAt,
    actor_id: kind?.anonymous ? null : text(e.actorId),
    on_behalf_of: kind?.anonymous ? null : text(e.onBehalfOf),
    action: kind?.action ?? `${domain}.${clean(e.type.slice(e.type.lastIndexOf('.') + 1))}`,
    target: clean(targetOf(e.subject, details)),
    outcome: kind?.refused ? 'refused' : 'ok',
    client_ip: text(e.clientIp),
    user_agent: text(e.userAgent),
    count: kind?.counted ? countOf((value as { count?: unknown }).count) : 1,
    details: JSON.stringify(details),
  };
}

/** At least 1, at most what the column holds (the exact count stays in the details). */
function countOf(x: unknown): number {
  const n = Number(x);
  return Number.isFinite(n) && n >= 1 ? Math.min(Math.trunc(n), MAX_COUNT) : 1;
}

/**
 * The aggregate, from the subject without the namespace and `hearth.`:
 * hearth.chat.channel.c1.members → chat.channel.c1.members. A media blob's id is the SHA-256 of
 * the file's bytes, which no entry may show: its target is media.blob and the file's id from the
 * marked details (media.blob.<file_id>), never the hash.
 */
export function targetOf(subject: string, details: Details = {}): string {
  const at = subject.startsWith('hearth.') ? 0 : subject.indexOf('.hearth.') + 1;
  const bare = at === 0 && !subject.startsWith('hearth.') ? subject : subject.slice(at + 7);
  if (bare.startsWith('media.blob.') || bare === 'media.blob') {
    const file = details.file_id;
    return typeof file === 'string' && file !== '' ? `media.blob.${file}` : 'media.blob';
  }
  return bare;
}

function text(value: string | undefined): string | null {
  return value ? clean(value) : null;
}
