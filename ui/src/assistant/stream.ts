// POST /api/v1/assistant/chat read as it streams (SSE over fetch, so Stop can abort it).
import type { ChatStreamEvents } from '../../../contracts/assistant.api.ts';
import type { ChatBody } from '../../../contracts/assistant.schema.ts';
import { ApiError } from '../lib/http.ts';

type Handlers = { [E in keyof ChatStreamEvents]?: (data: ChatStreamEvents[E]) => void };

/** Resolves true when the answer ended with its `done` event, false when the stream broke off before. */
export async function readChatStream(body: ChatBody, signal: AbortSignal, on: Handlers): Promise<boolean> {
  const res = await fetch('/api/v1/assistant/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (!res.ok || !res.body) {
    const err = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
    throw new ApiError(res.status, err.code ?? 'error', err.error ?? `HTTP ${res.status}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return ended;
    buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const { event, data } = parseBlock(buffer.slice(0, at));
      buffer = buffer.slice(at + 2);
      if (event === 'done') ended = true;
      const handler = on[event as keyof ChatStreamEvents] as ((d: unknown) => void) | undefined;
      if (handler && data !== undefined) handler(JSON.parse(data));
    }
  }
}

/** One SSE event, as the spec reads it: one optional space after the colon, data lines joined with \n. */
export function parseBlock(block: string): { event: string; data: string | undefined } {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { event, data: data.length ? data.join('\n') : undefined };
}
