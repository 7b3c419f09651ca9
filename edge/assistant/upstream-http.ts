// The model server's chat request on node:http rather than fetch: an answer streams one token
// a chunk, and each chunk crossing undici's web streams (a reader, its promises, an abort
// controller's) costs the hub more than the token itself. Here a chunk is read off the
// response as it is. Connections are kept alive by Node's global agents.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * POSTs `body` as JSON; resolves with the response once its head has come. `signal` ends the
 * request until then; the response, once here, is the caller's to destroy (a request ended
 * through its signal after its response came could destroy the connection under whatever
 * uses it next). A kept connection the server had closed meanwhile is not the server being
 * down: the request goes once more, at once, on a new one.
 */
export async function postJson(url: string, body: string, signal: AbortSignal): Promise<IncomingMessage> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const once = () =>
    new Promise<IncomingMessage>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('The request was cancelled.'));
      const req = send(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const cancel = () => req.destroy(new Error('The request was cancelled.'));
      signal.addEventListener('abort', cancel, { once: true });
      req.once('response', (res) => {
        signal.removeEventListener('abort', cancel);
        // A failure from here on (the connection dropped) destroys the response too, and
        // nextChunk reads it off `errored`: neither stream's 'error' may go unheard.
        req.on('error', () => undefined);
        res.on('error', () => undefined);
        resolve(res);
      });
      req.once('error', (err: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', cancel);
        reject(Object.assign(err, { stale: req.reusedSocket && err.code === 'ECONNRESET' }));
      });
      req.end(body);
    });
  try {
    return await once();
  } catch (err) {
    if ((err as { stale?: boolean }).stale && !signal.aborted) return once();
    throw err;
  }
}

/**
 * The response's next chunk: null at its end, 'timeout' when none came within `ms`. Rejects
 * when the response breaks off (its connection dropped, or destroyed by its signal).
 */
export function nextChunk(res: IncomingMessage, ms: number): Promise<Buffer | null | 'timeout'> {
  const ready = res.read() as Buffer | null;
  if (ready !== null) return Promise.resolve(ready);
  if (res.readableEnded) return Promise.resolve(null);
  if (res.destroyed) return Promise.reject(res.errored ?? new Error('The response was closed.'));
  return new Promise((resolve, reject) => {
    const settle = (value: Buffer | null | 'timeout' | Error) => {
      clearTimeout(timer);
      res.off('readable', readable);
      res.off('end', ended);
      res.off('error', settle);
      res.off('close', closed);
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const readable = () => {
      const chunk = res.read() as Buffer | null;
      if (chunk !== null) settle(chunk);
    };
    const ended = () => settle(null);
    const closed = () => {
      if (!res.readableEnded) settle(res.errored ?? new Error('The response was closed.'));
    };
    const timer = setTimeout(() => settle('timeout'), ms);
    res.on('readable', readable);
    res.once('end', ended);
    res.once('error', settle);
    res.once('close', closed);
  });
}

/**
 * What comes of the body within `timeoutMs`, up to about `max` bytes: its chunks, and whether
 * the body ended (false: it went on, broke off or was too slow).
 */
export async function readUpTo(
  res: IncomingMessage,
  max: number,
  timeoutMs: number,
): Promise<{ parts: Buffer[]; ended: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  const deadline = Date.now() + timeoutMs;
  try {
    while (size < max) {
      const chunk = await nextChunk(res, Math.max(0, deadline - Date.now()));
      if (chunk === null) return { parts, ended: true };
      if (chunk === 'timeout') break;
      parts.push(chunk);
      size += chunk.byteLength;
    }
  } catch {
    // A body that breaks off is read as far as it came.
  }
  return { parts, ended: false };
}

/** At most `max` bytes of a body, within `timeoutMs`; the rest is let go. '' when nothing came in time. */
export async function readCapped(res: IncomingMessage, max: number, timeoutMs: number): Promise<string> {
  const { parts } = await readUpTo(res, max, timeoutMs);
  res.destroy();
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}
