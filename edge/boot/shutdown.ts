// Stopping under load, in the order a load balancer and its clients need: /ready answers 503
// at once (the balancer stops sending anyone here), then the listener closes (a new connection
// is refused cleanly), then what is in flight finishes: requests, and frames the sockets sent;
// then the sockets close with 1012 and each keep-alive connection ends after its last answer;
// then the hub stops its workers at a checkpoint and closes its pools and NATS. All of it
// within the grace period; what is left at its end is cut.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';

/** What a stop needs of the hub (edge/hub.ts). */
export type Drainable = {
  drain: () => void;
  closeSockets: (deadline: number) => Promise<void>;
  stop: () => Promise<void>;
};

type Logger = {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
};

/** Of the grace, what stopping the workers and closing the pools keeps for itself. */
const STOP_RESERVE_MS = 5000;

/**
 * Watches `server` from now on (call it before the server answers anything); the function it
 * returns stops the hub gracefully. Called again while a stop runs (a second Ctrl-C), it cuts
 * the waits short.
 */
export function gracefulShutdown({
  server,
  hub,
  graceMs,
  delayMs,
  logger,
}: {
  server: Server;
  hub: Drainable;
  graceMs: number;
  /** How long /ready answers 503 before the listener closes, for a load balancer to notice. */
  delayMs: number;
  logger: Logger;
}): (reason: string) => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  // First among the listeners, so its header is set before any answer is written.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (closing) res.setHeader('Connection', 'close');
  });

  let hurry: () => void = () => undefined;
  const hurried = new Promise<void>((resolve) => {
    hurry = resolve;
  });
  let stopping: Promise<void> | undefined;

  /** Until `done()`, `deadline` or a hurry, whichever comes first; true when done. */
  const until = async (done: () => boolean, deadline: number): Promise<boolean> => {
    let cut = false;
    void hurried.then(() => {
      cut = true;
    });
    while (!done() && !cut && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return done();
  };

  const stop = async (reason: string) => {
    const started = Date.now();
    const deadline = started + graceMs;
    const drainUntil = deadline - Math.min(STOP_RESERVE_MS, graceMs / 4);
    hub.drain();
    logger.info({ reason, graceMs, delayMs }, 'stopping: /ready answers 503');
    // Keep-alive connections are kept meanwhile: their clients go on using them rather than
    // open new ones, so few are on their way in when the listener closes (a connection the
    // kernel has accepted and this process has not yet taken is reset by the close).
    await until(() => false, Math.min(started + delayMs, drainUntil));

    // From here every answer closes its connection, so the next request on it comes to a
    // listener that refuses it cleanly (or, behind a balancer, to another edge); answers
    // already on their way included.
    closing = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // net's close, not http's: http's also drops idle keep-alive connections at once, and a
    // request may be on its way on one of them; it would meet a reset, not an answer. Each
    // ends instead after its next answer, or after the idle timeout the server announced with
    // every answer (Keep-Alive: timeout=5).
    let closed = false;
    net.Server.prototype.close.call(server, () => {
      closed = true;
    });
    logger.info({ requests: inFlight.size }, 'listener closed; finishing requests and socket frames');
    await Promise.all([until(() => inFlight.size === 0, drainUntil), hub.closeSockets(drainUntil)]);
    if (!(await until(() => closed, drainUntil))) {
      logger.warn({ requests: inFlight.size }, 'grace period over; cutting the connections left');
      server.closeAllConnections();
    }
    await hub.stop();
    logger.info({ ms: Date.now() - started }, 'stopped');
  };

  return (reason) => {
    if (stopping) {
      logger.warn({ reason }, 'asked again: cutting the waits short');
      hurry();
      return stopping;
    }
    stopping = stop(reason);
    return stopping;
  };
}
