// The member's assistant settings: which model answers them (chosen from the models their role
// may use when the edge can list them, else typed) and their own instructions.
import { type FormEvent, useEffect, useState } from 'react';
import type { AssistantStatus } from '../../../contracts/assistant.api.ts';
import type { MemberPreferences } from '../../../contracts/preferences.api.ts';
import { MAX_ASSISTANT_MODEL, MAX_ASSISTANT_PROMPT } from '../../../contracts/preferences.schema.ts';
import { Section } from '../components/section.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { api } from '../lib/http.ts';
import type { Save } from './settings-page.tsx';

const select =
  'h-9 w-full rounded-md border border-input bg-transparent px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring';

/** The assistant's status for this member, or null until (or unless) the edge answers. */
function useAssistantStatus(): AssistantStatus | null {
  const [status, setStatus] = useState<AssistantStatus | null>(null);
  useEffect(() => {
    let live = true;
    api<AssistantStatus>('/api/v1/assistant/status').then(
      (s) => live && setStatus(s),
      () => undefined, // a typed name still works; the prompt is checked when asked
    );
    return () => {
      live = false;
    };
  }, []);
  return status;
}

export function AssistantForm({ preferences, save }: { preferences: MemberPreferences; save: Save }) {
  const [draft, setDraft] = useState<{ model: string; prompt: string } | null>(null);
  const [said, setSaid] = useState('');
  const status = useAssistantStatus();
  // The models the member may choose, when the edge could list them; else a name is typed.
  const choices = status?.models ?? null;
  const { model, prompt } = draft ?? {
    model: preferences.assistant_model,
    prompt: preferences.assistant_prompt,
  };
  const edit = (change: Partial<{ model: string; prompt: string }>) => {
    setSaid('');
    setDraft({ model, prompt, ...change });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save({ assistant_model: model.trim(), assistant_prompt: prompt })) {
      setDraft(null);
      setSaid('Saved.');
    }
  };
  return (
    <Section title="Assistant" description="Which model answers you, and what it should always know.">
      <form className="flex flex-col gap-3" onSubmit={submit} aria-label="Assistant">
        <label htmlFor="assistant-model" className="flex flex-col gap-1 text-sm">
          Model
          {choices ? (
            <select
              id="assistant-model"
              className={select}
              value={model}
              onChange={(e) => edit({ model: e.target.value })}
            >
              <option value="">
                The family’s default{status?.default_model ? ` (${status.default_model})` : ''}
              </option>
              {choices.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
              {model && !choices.includes(model) && (
                <option value={model}>{model} (not allowed for you: choose another)</option>
              )}
            </select>
          ) : (
            <Input
              id="assistant-model"
              value={model}
              maxLength={MAX_ASSISTANT_MODEL}
              placeholder="The family’s default"
              onChange={(e) => edit({ model: e.target.value })}
            />
          )}
        </label>
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor="assistant-prompt">Your instructions</label>
          <Textarea
            id="assistant-prompt"
            value={prompt}
            maxLength={MAX_ASSISTANT_PROMPT}
            rows={5}
            aria-describedby="assistant-prompt-count assistant-prompt-erased"
            onChange={(e) => edit({ prompt: e.target.value })}
          />
          {/* Outside the label: the field's name stays the same as the count changes. */}
          <p className="text-xs text-muted-foreground">
            <span id="assistant-prompt-count">
              {prompt.length} / {MAX_ASSISTANT_PROMPT}.
            </span>{' '}
            <span id="assistant-prompt-erased">Erased with your other words if you ask.</span>
          </p>
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit">Save</Button>
          <span className="text-sm text-muted-foreground" aria-live="polite">
            {said}
          </span>
        </div>
      </form>
    </Section>
  );
}
