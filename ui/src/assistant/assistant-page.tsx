// The family assistant (/assistant): ask, watch the answer stream in, press Stop. A child is
// told plainly that their parents can read these conversations; without a model server the
// page says so, and how to add one.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { AssistantStatus, ChatStreamEvents } from '../../../contracts/assistant.api.ts';
import { MAX_PROMPT } from '../../../contracts/assistant.schema.ts';
import { Section } from '../components/section.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { api, errorMessage } from '../lib/http.ts';
import { usePageTitle } from '../lib/title.ts';
import { readChatStream } from './stream.ts';

export const ASSISTANT_PATH = '/assistant';

type Turn = { prompt: string; answer: string; note: string };

export function AssistantPage() {
  usePageTitle('Assistant');
  const [status, setStatus] = useState<AssistantStatus | null>(null);
  const [prompt, setPrompt] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversation, setConversation] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const stop = useRef<AbortController | null>(null);

  useEffect(() => {
    api<AssistantStatus>('/api/v1/assistant/status').then(setStatus, (e) => setError(errorMessage(e)));
    return () => stop.current?.abort();
  }, []);

  const update = (change: Partial<Turn>) =>
    setTurns((ts) => ts.map((t, i) => (i === ts.length - 1 ? { ...t, ...change } : t)));

  const ask = async (e: FormEvent) => {
    e.preventDefault();
    if (!prompt.trim() || busy) return;
    setError('');
    setBusy(true);
    setTurns((ts) => [...ts, { prompt, answer: '', note: '' }]);
    const controller = new AbortController();
    stop.current = controller;
    const asked = prompt;
    setPrompt('');
    try {
      const ended = await readChatStream(
        { prompt: asked, ...(conversation && { conversation_id: conversation }) },
        controller.signal,
        {
          start: (d: ChatStreamEvents['start']) => {
            setConversation(d.conversation_id);
            if (d.cached) update({ note: 'Answered from the cache.' });
          },
          token: (d) =>
            setTurns((ts) =>
              ts.map((t, i) => (i === ts.length - 1 ? { ...t, answer: t.answer + d.text } : t)),
            ),
          error: (d) => update({ note: d.error }),
        },
      );
      if (!ended) update({ note: 'The answer was cut off: the connection ended before it was finished.' });
    } catch (err) {
      if (controller.signal.aborted) update({ note: 'Stopped.' });
      else setError(errorMessage(err));
    } finally {
      stop.current = null;
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-1 flex-col gap-4 overflow-y-auto p-4">
      <h1 className="text-xl font-semibold">Assistant</h1>
      {status?.transcript_visible_to_admins && (
        <Alert>Your parents can read your conversations with the assistant.</Alert>
      )}
      {status && !status.configured && <Alert>{status.help}</Alert>}
      {error && <Alert variant="destructive">{error}</Alert>}
      <Section title="Conversation">
        <ol aria-label="Conversation" className="flex flex-col gap-3">
          {turns.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: turns are only appended
            <li key={i} className="flex flex-col gap-1">
              <p className="font-medium">{t.prompt}</p>
              <p
                data-testid="answer"
                className="whitespace-pre-wrap"
                aria-live="polite"
                aria-busy={busy && i === turns.length - 1}
              >
                {t.answer}
              </p>
              {t.note && (
                <p role="status" className="text-sm text-muted-foreground">
                  {t.note}
                </p>
              )}
            </li>
          ))}
        </ol>
      </Section>
      <form onSubmit={ask} className="flex flex-col gap-2">
        <label htmlFor="assistant-prompt" className="text-sm font-medium">
          Ask the assistant
        </label>
        <Textarea
          id="assistant-prompt"
          value={prompt}
          maxLength={MAX_PROMPT}
          onChange={(e) => setPrompt(e.target.value)}
          disabled={status?.configured === false}
        />
        <div className="flex gap-2">
          <Button type="submit" disabled={busy || !prompt.trim() || status?.configured === false}>
            Ask
          </Button>
          <Button type="button" variant="outline" disabled={!busy} onClick={() => stop.current?.abort()}>
            Stop
          </Button>
        </div>
      </form>
    </div>
  );
}
