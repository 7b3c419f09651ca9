// Chat messages sent through the edges until told to stop, each retried with its own
// Idempotency-Key while it is answered 503 (or not at all), as a well-behaved client would,
// and what the read model then holds of them.
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createNames } from '../contracts/subjects.ts';
import type { Member } from './cluster-hubs.ts';
import { until } from './cluster-hubs.ts';

export type Answer = { id: string; seq: number; content: string };
export type Reply = { i: number; status: number; at: number; retryAfter: string | null; code?: string };

export type Load = {
  answers: Map<number, Answer>;
  replies: Reply[];
  /** Per answered command: ms from its first attempt to its 2xx. */
  spans: number[];
  /** Resolves once `count` more commands have been answered; fails after `timeoutMs`. */
  answered: (count: number, what: string, timeoutMs?: number) => Promise<void>;
  /** Commands given up unanswered (stopped, or past GIVE_UP_MS): kept or not, either is right. */
  abandoned: Set<number>;
  /**
   * Stops sending: no command is tried again, one under way gets a few seconds to be answered,
   * then its request is aborted (abandoned). Resolves once every lane has ended.
   */
  stop: () => Promise<void>;
};

/** Give up on one command after this long: the test then reports it unanswered. */
const GIVE_UP_MS = 60_000;
/** How long stop() lets the requests under way be answered before it aborts them. */
const STOP_GRACE_MS = 10_000;

export function startLoad({
  senders,
  from,
  prefix,
}: {
  /** Each lane: a person and the edge they send through. */
  senders: { member: Member; edge: string }[];
  from: number;
  prefix: string;
}): Load {
  const answers = new Map<number, Answer>();
  const replies: Reply[] = [];
  const spans: number[] = [];
  let next = from;
  let stopping = false;
  const abort = new AbortController();
  const abandoned = new Set<number>();

  const send = async (member: Member, edge: string, i: number) => {
    const first = Date.now();
    for (;;) {
      const at = Date.now();
      const res = await member
        .request(edge, '/api/v1/messages', {
          body: { channel: 'family', content: `${prefix} ${i}` },
          key: `${prefix}-${i}`,
          signal: abort.signal,
        })
        .catch(() => undefined);
      const status = res?.status ?? 0;
      const body = res ? ((await res.json().catch(() => null)) as Answer & { code?: string }) : null;
      replies.push({
        i,
        status,
        at,
        retryAfter: res?.headers.get('Retry-After') ?? null,
        ...(body?.code && { code: body.code }),
      });
      if (status === 200 || status === 201) {
        answers.set(i, body as Answer);
        spans.push(Date.now() - first);
        return;
      }
      if (stopping || (status !== 503 && status !== 0) || Date.now() - first > GIVE_UP_MS) {
        abandoned.add(i);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const lanes = senders.map(async ({ member, edge }) => {
    while (!stopping) await send(member, edge, next++);
  });

  return {
    answers,
    replies,
    spans,
    answered: async (count, what, timeoutMs = GIVE_UP_MS) => {
      const target = answers.size + count;
      await until(async () => answers.size >= target, what, timeoutMs);
    },
    abandoned,
    stop: async () => {
      stopping = true;
      const ended = Promise.all(lanes);
      const grace = setTimeout(() => abort.abort(), STOP_GRACE_MS);
      await ended.finally(() => clearTimeout(grace));
    },
  };
}

/** The family channel's history, once the read model has `lastSeq`, paged back to its start. */
export async function familyHistory(member: Member, edge: string, lastSeq: number): Promise<Answer[]> {
  const history: Answer[] = [];
  let before: number | undefined;
  for (;;) {
    const query = `channel=family&limit=200&after=${lastSeq}${before ? `&before_seq=${before}` : ''}`;
    const page = await until(async () => {
      const res = await member.request(edge, `/api/v1/messages?${query}`);
      return res.status === 200 ? ((await res.json()) as Answer[]) : undefined;
    }, 'the history read model');
    history.push(...page);
    if (page.length < 200) return history;
    before = page[0]?.seq;
  }
}

/**
 * Contents that appear more than once, answered commands missing from `history`, and kept ones
 * that were neither answered nor abandoned (a command kept that no one sent).
 */
export function exactlyOnce(load: Load, history: Answer[], prefix: string) {
  const sent = history.filter((m) => m.content.startsWith(`${prefix} `));
  const counts = new Map<string, number>();
  for (const m of sent) counts.set(m.content, (counts.get(m.content) ?? 0) + 1);
  const byId = new Map(sent.map((m) => [m.id, m.content]));
  const accounted = new Set([...load.answers.keys(), ...load.abandoned].map((i) => `${prefix} ${i}`));
  return {
    twice: [...counts].filter(([, n]) => n > 1).map(([content]) => content),
    lost: [...load.answers].filter(([i, a]) => byId.get(a.id) !== `${prefix} ${i}`).map(([i]) => i),
    stray: sent.filter((m) => !accounted.has(m.content)).map((m) => m.content),
  };
}

/**
 * How many times each message id is on the namespace's CHAT stream, as a message's subject:
 * the read model upserts, and would hide a second event of one message.
 */
export async function onTheLog(
  nc: NatsConnection,
  prefix: string,
  ids: string[],
): Promise<Map<string, number>> {
  const names = createNames(prefix);
  const bySubject = new Map(ids.map((id) => [names.chat.message('family', id), id]));
  const counts = new Map(ids.map((id) => [id, 0]));
  const consumer = await jetstream(nc).consumers.get(names.stream('chat'));
  if ((await consumer.info()).num_pending === 0) return counts;
  const messages = await consumer.consume();
  for await (const m of messages) {
    const id = bySubject.get(m.subject);
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return counts;
}
