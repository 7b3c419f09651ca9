// Helpers for hostile-input tests: the strings a read model cannot store, the log's heads (to
// see that a refusal appended nothing), and a hub served on a port so sockets can connect.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { HEADERS } from '../contracts/events.ts';
import { DOMAINS, type Domain } from '../contracts/subjects.ts';
import type { Hub } from '../edge/hub.ts';

/** Each bad character, as a JSON string carries it and as a path segment escapes it. */
export const UNSTORABLE = [
  { name: 'NUL', char: '\u0000', escaped: '%00' },
  { name: 'a lone high surrogate', char: '\uD800', escaped: '%ED%A0%80' },
  { name: 'a lone low surrogate', char: '\uDC00', escaped: '%ED%B0%80' },
] as const;

/** `value` with `char` inside it, so length and pattern bounds would otherwise still hold. */
export const spoil = (value: string, char: string) => `${value.slice(0, 1)}${char}${value.slice(1)}`;

export type Heads = Record<Domain, number>;

/** The last sequence of every stream of the log. */
export async function logHeads(hub: Hub): Promise<Heads> {
  const { log } = hub.deps;
  const heads = {} as Heads;
  for (const domain of DOMAINS) {
    heads[domain] = (await log.jsm.streams.info(log.names.stream(domain))).state.last_seq;
  }
  return heads;
}

/** The heads once nothing has been appended for `quietMs` (reactors and relays done). */
export async function settledHeads(hub: Hub, { quietMs = 400, timeoutMs = 10_000 } = {}): Promise<Heads> {
  const deadline = Date.now() + timeoutMs;
  let last = await logHeads(hub);
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('the log did not settle');
    await new Promise((r) => setTimeout(r, 50));
    const now = await logHeads(hub);
    if (JSON.stringify(now) !== JSON.stringify(last)) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}

export type Appended = { domain: Domain; seq: number; subject: string; actor: string; correlation: string };

/** What was appended after `heads`, with who did it and for which request. */
export async function appendedSince(hub: Hub, heads: Heads): Promise<Appended[]> {
  const { log } = hub.deps;
  const now = await logHeads(hub);
  const out: Appended[] = [];
  for (const domain of DOMAINS) {
    for (let seq = heads[domain] + 1; seq <= now[domain]; seq++) {
      const m = await log.jsm.direct.getMessage(log.names.stream(domain), { seq });
      if (!m) continue;
      out.push({
        domain,
        seq,
        subject: m.subject,
        actor: m.header?.get(HEADERS.actor) ?? '',
        correlation: m.header?.get(HEADERS.correlation) ?? '',
      });
    }
  }
  return out;
}

/** The hub's app on a loopback port with the socket attached, as npm start serves it. */
export async function serveHub(hub: Hub): Promise<{ port: number; close: () => Promise<void> }> {
  const server = serve({ fetch: hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  hub.attach(server);
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Every read model's status once none lags the log (an event it cannot store is parked). */
export async function caughtUp(hub: Hub, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await hub.deps.projectors.status();
    if (status.every((s) => s.lag <= 0) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}
