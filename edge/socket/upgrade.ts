// GET /ws?token=… on the node server: the ticket is spent before the upgrade, and a bad,
// spent or expired one is refused with a plain 401 (the session cookie never rides in a URL).
// A page on an untrusted origin is refused first, with 403, as the API refuses its writes.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { originErrors, provenanceCheck } from '../http/origin.ts';
import type { TokenClaims, TokenStore } from './tokens.ts';

export const WS_PATH = '/ws';
/**
 * The largest frame a client may send: 4,000 characters of at most 4 bytes each, plus the
 * frame's JSON. A larger one closes its socket with 1009.
 */
export const MAX_FRAME_BYTES = 64 * 1024;
const PING_EVERY_MS = 30_000;
const RESTARTING = 'This server is restarting; reconnect shortly.';
/** A refusal for a service away (the log, the database, this server stopping): soon, not never. */
const RETRY_AFTER_SECONDS = 1;

export type UpgradeHandler = {
  attach: (server: Server) => void;
  /** A stop has begun: new sockets are refused with 503, so their clients open one elsewhere. */
  drain: () => void;
  close: () => Promise<void>;
};

export function createUpgradeHandler({
  tokens,
  trustedOrigins,
  admit,
  onConnection,
  logger,
}: {
  tokens: TokenStore;
  /** Origins whose pages may open a socket; a client that sends no Origin is judged by its ticket. */
  trustedOrigins: string[];
  /** Last look at the person (banned since the ticket was issued?); null refuses. */
  admit: (claims: TokenClaims) => Promise<TokenClaims | null>;
  onConnection: (ws: WebSocket, claims: TokenClaims) => void;
  logger: Logger;
}): UpgradeHandler {
  const fromTrustedPage = provenanceCheck(trustedOrigins);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  let draining = false;
  // Dead peers (a phone that lost its network) are found by ping/pong and closed.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_EVERY_MS);
  pinger.unref();

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'not_found', 'No such route.');
    if (draining) return refuse(socket, 503, 'unavailable', RESTARTING);
    const secFetchSite = req.headers['sec-fetch-site'];
    if (!fromTrustedPage({ origin: req.headers.origin, secFetchSite: first(secFetchSite) })) {
      return refuse(socket, 403, 'forbidden_origin', originErrors.forbiddenOrigin().message);
    }
    let claims: TokenClaims | null;
    try {
      claims = await tokens.consume(url.searchParams.get('token'));
      if (claims) claims = await admit(claims);
    } catch (err) {
      logger.warn({ err }, 'ws-token check failed');
      return refuse(socket, 503, 'unavailable', 'A backing service is unavailable; retry shortly.');
    }
    if (!claims) return refuse(socket, 401, 'unauthorized', 'A valid, unused ws-token is required.');
    // A stop began while the ticket was checked: the sockets have been closed, this one too.
    if (draining) return refuse(socket, 503, 'unavailable', RESTARTING);
    if (socket.destroyed) return;
    const admitted = claims;
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A protocol violation (too big 1009, invalid UTF-8 1007, a reserved bit 1002): ws has
      // already closed this socket with its code; without a listener the error ends the process.
      ws.on('error', (err) =>
        logger.debug({ err, userId: admitted.userId }, 'socket closed on a protocol error'),
      );
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      onConnection(ws, admitted);
    });
  }

  return {
    attach: (server) => {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        upgrade(req, socket, head).catch((err) => {
          logger.error({ err }, 'upgrade failed');
          socket.destroy();
        });
      });
    },
    drain: () => {
      draining = true;
    },
    close: async () => {
      draining = true;
      clearInterval(pinger);
      // Sockets were asked to close; a peer that does not answer the handshake within a second
      // is cut, so a shutdown never waits for ws's 30 s close timeout.
      for (let waited = 0; wss.clients.size > 0 && waited < 1000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function refuse(socket: Duplex, status: 401 | 403 | 404 | 503, code: string, error: string) {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error, code });
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[
    status
  ];
  const retry = status === 503 ? `Retry-After: ${RETRY_AFTER_SECONDS}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retry}Connection: close\r\n\r\n${body}`,
  );
}
