// The chat client for the components: one per signed-in page, read through selectors so a
// component re-renders only when its slice changes.
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { ChatClient } from './client.ts';
import type { ChatState } from './model.ts';

const ChatContext = createContext<ChatClient | null>(null);

export function ChatProvider({ client, children }: { client: ChatClient; children: ReactNode }) {
  return <ChatContext.Provider value={client}>{children}</ChatContext.Provider>;
}

export function useChatClient(): ChatClient {
  const client = useContext(ChatContext);
  if (!client) throw new Error('useChatClient outside ChatProvider');
  return client;
}

export function useChat<T>(select: (s: ChatState) => T): T {
  const client = useChatClient();
  return useSyncExternalStore(client.subscribe, () => select(client.getState()));
}
