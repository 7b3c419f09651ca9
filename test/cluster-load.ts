// Chat messages sent through the edges until told to stop, each retried with its own
// Idempotency-Key while it is answered 503 (or not at all), as a well-behaved client would,
// and what the read model then holds of them.
import type { Member } from './cluster-hubs.ts';
import { until } from './cluster-hubs.ts';

export type Answer = { id: string; seq: number; content: string };
export type Reply = { i: number; status: number; at: number; retryAfter: string | null; code?: string };

export type Load = {
  answers: Map<number, Answer>;
  replies: Reply[];
  /** Per answered command: ms from its first attempt to its 2xx. */
  spans: number[];
  /** Resolves once `count` more commands have been answered. */
  answered: (count: number) => Promise<void>;
  /** Stops sending new commands; resolves once those under way are answered (or given up). */
  stop: () => Promise<void>;
};

/** Give up on one command after this long: the test then reports it unanswered. */
const GIVE_UP_MS = 60_000;

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
  const waiters = new Set<() => void>();

  const send = async (member: Member, edge: string, i: number) => {
    const first = Date.now();
    for (;;) {
      const at = Date.now();
      const res = await member
        .request(edge, '/api/v1/messages', {
          body: { channel: 'family', content: `${prefix} ${i}` },
          key: `${prefix}-${i}`,
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
        for (const wake of [...waiters]) wake();
        return;
      }
      if ((status !== 503 && status !== 0) || Date.now() - first > GIVE_UP_MS) return;
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
    answered: (count) => {
      const target = answers.size + count;
      return new Promise<void>((resolve) => {
        const wake = () => {
          if (answers.size < target) return;
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    },
    stop: async () => {
      stopping = true;
      await Promise.all(lanes);
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

/** Contents that appear more than once, and answered commands missing from `history`. */
export function exactlyOnce(load: Load, history: Answer[], prefix: string) {
  const sent = history.filter((m) => m.content.startsWith(`${prefix} `));
  const counts = new Map<string, number>();
  for (const m of sent) counts.set(m.content, (counts.get(m.content) ?? 0) + 1);
  const byId = new Map(sent.map((m) => [m.id, m.content]));
  return {
    twice: [...counts].filter(([, n]) => n > 1).map(([content]) => content),
    lost: [...load.answers].filter(([i, a]) => byId.get(a.id) !== `${prefix} ${i}`).map(([i]) => i),
    kept: sent.length,
  };
}
