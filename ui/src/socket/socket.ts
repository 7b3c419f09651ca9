// One WebSocket to the edge that keeps itself open: a fresh single-use token per attempt,
// backoff with jitter, a ping watchdog for connections that die silently (a phone going to
// sleep, a Wi-Fi hop), and an immediate retry when the browser says it is back online.
// It carries every domain's frames and reads only the one that ends the session (a ban says
// why, just before the close): chat's client reads the rest.
import type { SessionEndedFrame } from '../../../contracts/chat.frames.ts';
import type { ClientFrame } from '../../../contracts/chat.schema.ts';
import { ApiError } from '../lib/http.ts';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export type SocketHandlers = {
  fetchToken: () => Promise<string>;
  /** Connected: send joins here. */
  onOpen: (send: (frame: ClientFrame) => boolean) => void;
  /** Every text frame, as it arrived (pongs too: any frame shows the line is alive). */
  onMessage: (data: string) => void;
  onStatus: (status: ConnectionStatus, retryAt?: number) => void;
  /**
   * The session is over (401 for a token, or the edge closed with 4401): stop for good.
   * `why` is the edge's word on it when it sent one (a ban, its reason and end).
   */
  onSessionEnded: (why?: SessionEndedFrame) => void;
};

export type Socket = {
  send: (frame: ClientFrame) => boolean;
  close: () => void;
};

const PING_EVERY_MS = 15_000;
/** Silence this long (no frame at all, not even a pong) means the connection is dead. */
const DEAD_AFTER_MS = 35_000;
const MAX_BACKOFF_MS = 15_000;
export const SESSION_CLOSED = 4401;

export function openSocket(h: SocketHandlers): Socket {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let lastHeard = 0;
  let endedBy: SessionEndedFrame | undefined;

  const send = (frame: ClientFrame) => {
    if (ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  };

  const drop = () => {
    clearInterval(pingTimer);
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    ws = null;
  };

  const retry = () => {
    drop();
    if (stopped) return;
    // 0.5 s, 1 s, 2 s … 15 s, each between half and all of it so a whole family's phones
    // do not come back in the same instant after the hub restarts.
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    attempt++;
    h.onStatus('offline', Date.now() + delay);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    clearTimeout(retryTimer);
    drop();
    if (stopped) return;
    h.onStatus('connecting');
    let token: string;
    try {
      token = await h.fetchToken();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return end();
      return retry();
    }
    if (stopped) return;
    const url = new URL(`/ws?token=${encodeURIComponent(token)}`, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      lastHeard = Date.now();
      h.onStatus('online');
      pingTimer = setInterval(() => {
        if (Date.now() - lastHeard > DEAD_AFTER_MS) return retry();
        send({ type: 'ping' });
      }, PING_EVERY_MS);
      h.onOpen(send);
    };
    socket.onmessage = (e) => {
      lastHeard = Date.now();
      if (typeof e.data !== 'string') return;
      const ending = sessionEnded(e.data);
      if (ending) endedBy = ending;
      else h.onMessage(e.data);
    };
    socket.onclose = (e) => {
      if (e.code === SESSION_CLOSED) return end();
      retry();
    };
  };

  const end = () => {
    stopped = true;
    drop();
    h.onSessionEnded(endedBy);
  };

  const online = () => {
    if (!stopped && ws?.readyState !== WebSocket.OPEN) {
      attempt = 0;
      void connect();
    }
  };
  const offline = () => {
    if (!stopped) retry();
  };
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  void connect();

  return {
    send,
    close: () => {
      stopped = true;
      clearTimeout(retryTimer);
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      drop();
    },
  };
}

/** The frame that says why the session ends, or undefined for any other (cheaply: most are not). */
function sessionEnded(data: string): SessionEndedFrame | undefined {
  if (!data.includes('"session_ended"')) return undefined;
  try {
    const frame = JSON.parse(data) as Partial<SessionEndedFrame>;
    if (frame.type !== 'session_ended' || frame.why !== 'banned') return undefined;
    return {
      type: 'session_ended',
      why: 'banned',
      reason: typeof frame.reason === 'string' ? frame.reason : '',
      until: typeof frame.until === 'string' ? frame.until : null,
    };
  } catch {
    return undefined;
  }
}
