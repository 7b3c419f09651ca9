// The dialogs of the prompts screen: editing a prompt (saved as its next version, refused when
// someone saved a newer one first: the prompts are reloaded, and the editor then offers the
// version after the newer one, keeping what the admin wrote) and reading its versions.
import { type FormEvent, useCallback, useId, useState } from 'react';
import type { SystemPrompt } from '../../../contracts/assistant.api.ts';
import { MAX_PROMPT_NAME, MAX_SYSTEM_PROMPT } from '../../../contracts/assistant.schema.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { Dialog } from './dialog.tsx';
import { ErrorText, LoadError, Loading, useAction, useLoad, when } from './parts.tsx';
import { getPrompt, savePrompt } from './prompts-api.ts';

export function PromptEditor({
  prompt,
  onClose,
  onSaved,
  onRefused,
}: {
  /** As last loaded: a reload after a refusal brings its newest version. */
  prompt: SystemPrompt;
  onClose: () => void;
  onSaved: () => Promise<void>;
  /** The save was refused (a newer version, or the prompt gone): reload the prompts. */
  onRefused: () => Promise<unknown>;
}) {
  const id = useId();
  const [name, setName] = useState(prompt.name);
  const [text, setText] = useState(prompt.text);
  const action = useAction();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const done = await action.run('save', () =>
      savePrompt(prompt.prompt_id, { expected_version: prompt.version, name: name.trim(), text }),
    );
    if (done) await onSaved();
    else await onRefused();
  };
  return (
    <Dialog
      open
      title={`Edit “${prompt.name}”`}
      description={`Saving makes version ${prompt.version + 1}; version ${prompt.version} stays readable.`}
      onClose={() => {
        // Closed after a refusal: the prompts are reloaded again, should that reload have failed.
        if (action.error) void onRefused();
        onClose();
      }}
      actions={
        <Button
          type="submit"
          form={`${id}-form`}
          data-requires="assistant.manage"
          disabled={action.busy !== null || name.trim() === '' || text.trim() === ''}
        >
          Save version {prompt.version + 1}
        </Button>
      }
    >
      <form id={`${id}-form`} className="flex flex-col gap-3" onSubmit={save}>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-name`}>Name</Label>
          <Input
            id={`${id}-name`}
            required
            maxLength={MAX_PROMPT_NAME}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-text`}>Prompt</Label>
          <Textarea
            id={`${id}-text`}
            required
            rows={6}
            maxLength={MAX_SYSTEM_PROMPT}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <ErrorText message={action.error} />
      </form>
    </Dialog>
  );
}

export function PromptVersions({ prompt, onClose }: { prompt: SystemPrompt; onClose: () => void }) {
  const load = useCallback(() => getPrompt(prompt.prompt_id), [prompt.prompt_id]);
  const found = useLoad(load);
  return (
    <Dialog open title={`Versions of “${prompt.name}”`} onClose={onClose}>
      {found.error && <LoadError message={found.error} onRetry={() => void found.reload()} />}
      {!found.data && !found.error && <Loading what="the versions" />}
      {found.data && (
        <ol className="flex max-h-96 flex-col gap-3 overflow-y-auto text-sm" aria-label="Versions">
          {found.data.versions.map((v) => (
            <li key={v.version} className="rounded-lg border p-2" data-testid="prompt-version">
              <p className="font-medium">
                Version {v.version}: {v.name}
                <span className="ml-2 font-normal text-muted-foreground">{when(v.saved_at)}</span>
              </p>
              <p className="mt-1 whitespace-pre-wrap break-words">{v.text}</p>
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}
