// Reading Server-Sent Events from a Response, as an integrator's client does: events with
// their id, comments (heartbeats) skipped.
export type SseEvent = { id: string | undefined; event: string | undefined; data: string };

export type SseReader = {
  /** The next event, or null once the response has ended. */
  next: () => Promise<SseEvent | null>;
  /** Comments seen so far (": heartbeat"). */
  comments: () => string[];
  cancel: () => Promise<void>;
};

export function sseReader(res: Response): SseReader {
  if (!res.body) throw new Error('no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const seen: string[] = [];
  let ended = false;
  const next = async (): Promise<SseEvent | null> => {
    for (;;) {
      const at = buffer.indexOf('\n\n');
      if (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event: SseEvent = { id: undefined, event: undefined, data: '' };
        const data: string[] = [];
        let any = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            seen.push(line.slice(1).trim());
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          any = true;
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') data.push(value);
        }
        if (!any) continue;
        event.data = data.join('\n');
        return event;
      }
      if (ended) return null;
      const { done, value } = await reader.read();
      if (done) ended = true;
      else buffer += decoder.decode(value, { stream: true });
    }
  };
  return { next, comments: () => seen, cancel: () => reader.cancel() };
}
