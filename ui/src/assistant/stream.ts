// POST /api/v1/assistant/chat read as it streams (SSE over fetch, so Stop can abort it).
import type { ChatStreamEvents } from '../../../contracts/assistant.api.ts';
import type { ChatBody } from '../../../contracts/assistant.schema.ts';
import { ApiError } from '../lib/http.ts';

type Handlers = { [E in keyof ChatStreamEvents]?: (data: ChatStreamEvents[E]) => void };

export async function readChatStream(body: ChatBody, signal: AbortSignal, on: Handlers): Promise<void> {
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
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      let event = '';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      const handler = on[event as keyof ChatStreamEvents] as ((d: unknown) => void) | undefined;
      if (handler && data) handler(JSON.parse(data));
    }
  }
}
