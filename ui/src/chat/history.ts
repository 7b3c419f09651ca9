// Pages of history from GET /api/v1/messages: the newest page when a channel is first opened,
// then the page before the oldest message each time the reader scrolls to the top.
import { errorMessage } from '../lib/http.ts';
import { loadHistory, PAGE_SIZE } from './api.ts';
import { type ChannelView, fromHistory, mergeMessages } from './model.ts';

type Deps = {
  channel: (id: string) => ChannelView | undefined;
  patch: (id: string, change: (c: ChannelView) => ChannelView) => void;
  notice: (text: string) => void;
};

export function createHistory({ channel, patch, notice }: Deps) {
  async function page(id: string, from: 'unloaded' | 'idle') {
    const c = channel(id);
    const oldest = c?.messages.find((m) => m.seq !== null);
    if (c?.history !== from || (from === 'idle' && !oldest)) return;
    patch(id, (ch) => ({ ...ch, history: 'loading' }));
    try {
      const list = (await loadHistory(id, from === 'idle' ? oldest : undefined)).map(fromHistory);
      patch(id, (ch) => ({
        ...ch,
        messages: mergeMessages(ch.messages, list),
        history: list.length < PAGE_SIZE ? 'done' : 'idle',
      }));
    } catch (err) {
      patch(id, (ch) => ({ ...ch, history: from }));
      notice(errorMessage(err));
    }
  }

  return {
    /** The newest page, once per channel (live frames keep it current after that). */
    ensureLoaded: (id: string) => page(id, 'unloaded'),
    /** The page before the oldest message held. */
    loadOlder: (id: string) => page(id, 'idle'),
  };
}
