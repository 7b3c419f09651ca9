// Talking to an Ollama-compatible server: POST /api/chat streams chunked NDJSON, one object per
// line ({ message: { content }, done }), the last with done: true and the token counts.
// Connecting is retried only before the first token (an answer already begun is never asked
// again, it would repeat itself); each wait, for the answer to begin and between two chunks,
// is bounded by the timeout.

import type { IncomingMessage } from 'node:http';
import { nextChunk, postJson, readCapped as readCappedResponse, readUpTo } from './upstream-http.ts';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type UpstreamChunk =
  | { kind: 'token'; text: string }
  | { kind: 'done'; promptTokens: number; answerTokens: number };

export type UpstreamFailure = 'down' | 'timeout' | 'garbage' | 'refused' | 'stopped';

export class UpstreamError extends Error {
  readonly failure: UpstreamFailure;
  constructor(failure: UpstreamFailure, message: string) {
    super(message);
    this.name = 'UpstreamError';
    this.failure = failure;
  }
}

const RETRY_DELAYS_MS = [100, 400];
const MAX_LINE = 1 << 20;
/** How much of an error or a model list is read from the server; the rest is cancelled. */
const MAX_SMALL_BODY = 4096;
const MAX_TAGS_BODY = 256 * 1024;

/** Upstream text made storable, as edge/http/validate.ts does: no lone surrogates, no NUL. */
export const wellFormed = (text: string): string =>
  (text as unknown as { toWellFormed: () => string }).toWellFormed().replaceAll('\0', '\uFFFD');

/**
 * At most `max` bytes of a body, within `timeoutMs`; the rest is cancelled. '' when nothing
 * came in time.
 */
export async function readCapped(res: Response, max: number, timeoutMs: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    while (size < max) {
      const read = await Promise.race([reader.read(), timedOut]);
      if (read === 'timeout' || read.done) break;
      parts.push(read.value);
      size += read.value.byteLength;
    }
  } catch {
    // A body that breaks off is read as far as it came.
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, max));
}

export type UpstreamStream = AsyncGenerator<UpstreamChunk, void, void>;

/**
 * Opens the answer: resolves once the server has answered with a 200 (retrying a refused
 * connection or a 5xx before then), and returns its chunks. `signal` cancels it at any point.
 */
export async function openChat({
  url,
  model,
  messages,
  timeoutMs,
  signal,
  numPredict,
}: {
  url: string;
  model: string;
  messages: ChatMessage[];
  timeoutMs: number;
  signal: AbortSignal;
  /** The most tokens the model may answer with (options.num_predict). */
  numPredict: number;
}): Promise<UpstreamStream> {
  const body = JSON.stringify({ model, messages, stream: true, options: { num_predict: numPredict } });
  const stopped = () => new UpstreamError('stopped', 'The answer was stopped.');
  for (let attempt = 0; ; attempt++) {
    // A member who left before this attempt (or during the wait before it) is not asked for.
    if (signal.aborted) throw stopped();
    const controller = new AbortController();
    const cancel = () => controller.abort();
    signal.addEventListener('abort', cancel, { once: true });
    const timer = setTimeout(cancel, timeoutMs);
    let res: IncomingMessage;
    try {
      res = await postJson(`${url}/api/chat`, body, controller.signal);
    } catch (cause) {
      clearTimeout(timer);
      signal.removeEventListener('abort', cancel);
      if (signal.aborted) throw new UpstreamError('stopped', 'The answer was stopped.');
      if (controller.signal.aborted)
        throw new UpstreamError('timeout', 'The model server did not answer in time.');
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined)
        throw new UpstreamError('down', `The model server cannot be reached (${(cause as Error).message}).`);
      await backoff(delay, signal);
      continue;
    }
    clearTimeout(timer);
    const status = res.statusCode ?? 0;
    if (status >= 500 && RETRY_DELAYS_MS[attempt] !== undefined) {
      res.destroy();
      signal.removeEventListener('abort', cancel);
      await backoff(RETRY_DELAYS_MS[attempt] ?? 0, signal);
      continue;
    }
    if (status !== 200) {
      const said = await readCappedResponse(res, MAX_SMALL_BODY, timeoutMs);
      signal.removeEventListener('abort', cancel);
      if (signal.aborted) throw stopped();
      throw new UpstreamError(
        status >= 500 ? 'down' : 'refused',
        `The model server refused: ${upstreamMessage(said) ?? `HTTP ${status}`}.`,
      );
    }
    // Cancelled (the member left, the deadline, a prompt not written) the response is
    // destroyed, and its connection with it, whether or not its chunks are being read.
    const drop = () => res.destroy();
    controller.signal.addEventListener('abort', drop, { once: true });
    if (controller.signal.aborted) drop();
    return chunks(res, { controller, drop, timeoutMs, signal, cancel });
  }
}

/** Waits `ms`, or less when the member leaves (the next attempt then sees it). */
const backoff = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

function upstreamMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return typeof parsed.error === 'string' ? wellFormed(parsed.error.slice(0, 200)) : undefined;
  } catch {
    return undefined;
  }
}

async function* chunks(
  res: IncomingMessage,
  {
    controller,
    drop,
    timeoutMs,
    signal,
    cancel,
  }: {
    controller: AbortController;
    drop: () => void;
    timeoutMs: number;
    signal: AbortSignal;
    cancel: () => void;
  },
): UpstreamStream {
  const decoder = new TextDecoder();
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      let read: Buffer | null | 'timeout';
      try {
        read = await nextChunk(res, timeoutMs);
      } catch {
        if (signal.aborted) throw new UpstreamError('stopped', 'The answer was stopped.');
        throw new UpstreamError('garbage', 'The model server stopped in the middle of the answer.');
      }
      if (read === 'timeout')
        throw new UpstreamError('timeout', 'The model server stopped answering in time.');
      if (read === null)
        throw new UpstreamError('garbage', 'The model server stopped in the middle of the answer.');
      buffer += decoder.decode(read, { stream: true });
      if (buffer.length > MAX_LINE)
        throw new UpstreamError('garbage', 'The model server sent something unreadable.');
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at).trim();
        buffer = buffer.slice(at + 1);
        if (line === '') continue;
        const chunk = parseLine(line);
        if (chunk.kind === 'done') {
          finished = true;
          yield chunk;
          return;
        }
        if (chunk.text !== '') yield chunk;
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    // Whatever else ended the answer (a failure, the member leaving), the request is closed.
    // A whole answer's response is read to its end (it ends right after its last line), so
    // its connection is kept for the next prompt: a new one costs that prompt's first token.
    controller.signal.removeEventListener('abort', drop);
    if (!finished) res.destroy();
    else if (!res.readableEnded)
      // Within a second and a few bytes more.
      void readUpTo(res, MAX_SMALL_BODY, 1000).then(({ ended }) => {
        if (!ended) res.destroy();
      });
  }
}

function parseLine(line: string): UpstreamChunk {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new UpstreamError('garbage', 'The model server sent something unreadable.');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new UpstreamError('garbage', 'The model server sent something unreadable.');
  const o = parsed as {
    error?: unknown;
    done?: unknown;
    message?: { content?: unknown };
    prompt_eval_count?: unknown;
    eval_count?: unknown;
  };
  if (typeof o.error === 'string')
    throw new UpstreamError('garbage', `The model server failed: ${wellFormed(o.error.slice(0, 200))}.`);
  if (o.done === true)
    return { kind: 'done', promptTokens: count(o.prompt_eval_count), answerTokens: count(o.eval_count) };
  const content = o.message?.content;
  if (typeof content !== 'string')
    throw new UpstreamError('garbage', 'The model server sent something unreadable.');
  return { kind: 'token', text: wellFormed(content) };
}

const count = (v: unknown): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 31 ? v : 0;

/** The models the server has (GET /api/tags), or undefined when it cannot be asked. */
export async function listModels(url: string, timeoutMs: number): Promise<string[] | undefined> {
  try {
    const res = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return undefined;
    }
    const body = JSON.parse(await readCapped(res, MAX_TAGS_BODY, timeoutMs)) as {
      models?: { name?: unknown }[];
    };
    return (body.models ?? [])
      .map((m) => m.name)
      .filter((n): n is string => typeof n === 'string')
      .map((n) => wellFormed(n.slice(0, 200)));
  } catch {
    return undefined;
  }
}
