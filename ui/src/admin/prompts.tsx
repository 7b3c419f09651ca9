// The assistant's system prompts: the family's named prompts (each save a new version, the old
// ones readable), and the one every child's conversation gets after the child's own prompt (the
// family's rules have the last word). A change against a prompt someone else changed first is
// refused, and the prompts are reloaded so the editor shows the newer version.
import { type FormEvent, useId, useState } from 'react';
import type { SystemPrompt } from '../../../contracts/assistant.api.ts';
import { MAX_PROMPT_NAME, MAX_SYSTEM_PROMPT } from '../../../contracts/assistant.schema.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { usePageTitle } from '../lib/title.ts';
import { Dialog } from './dialog.tsx';
import {
  Empty,
  ErrorText,
  LoadError,
  Loading,
  Section,
  selectClass,
  useAction,
  useLoad,
  when,
} from './parts.tsx';
import { PromptEditor, PromptVersions } from './prompt-dialogs.tsx';
import { createPrompt, getPrompts, removePrompt, setChildrenPrompt } from './prompts-api.ts';

const MANAGE = 'assistant.manage';

export function PromptsScreen() {
  usePageTitle('Assistant prompts · Family console');
  const id = useId();
  const prompts = useLoad(getPrompts);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [opened, setOpened] = useState<SystemPrompt | null>(null);
  const [viewing, setViewing] = useState<SystemPrompt | null>(null);
  const [removing, setRemoving] = useState<SystemPrompt | null>(null);
  const action = useAction();
  const list = prompts.data?.prompts ?? [];
  // The editor shows the prompt as last loaded (after a reload, its newest version); one removed
  // meanwhile stays as it was opened, so the refusal can be read.
  const editing = opened && (list.find((p) => p.prompt_id === opened.prompt_id) ?? opened);
  const children = prompts.data?.children_prompt_id ?? null;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const made = await action.run('create', () => createPrompt({ name: name.trim(), text }));
    if (!made) return;
    setName('');
    setText('');
    await prompts.reload();
  };
  const choose = async (promptId: string) => {
    const done = await action.run('children', () => setChildrenPrompt(promptId === '' ? null : promptId));
    if (done) await prompts.reload();
  };
  const remove = async () => {
    const p = removing;
    if (!p) return;
    // Refused (someone saved a newer version): the error shows, and the list is reloaded anyway.
    await action.run('remove', () => removePrompt(p.prompt_id, p.version));
    setRemoving(null);
    await prompts.reload();
  };

  return (
    <div className="flex flex-col gap-4">
      <Section
        title="Assistant prompts"
        description="System prompts tell the family assistant how to answer. Each save keeps the earlier versions. The children's prompt comes last in every child's conversation, after the child's own prompt, so the family's rules win."
      >
        {prompts.error && !prompts.data && (
          <LoadError message={prompts.error} onRetry={() => void prompts.reload()} />
        )}
        {!prompts.data && !prompts.error && <Loading what="the prompts" />}
        {prompts.data && (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-children`}>Children’s prompt</Label>
            <select
              id={`${id}-children`}
              className={selectClass('max-w-sm')}
              data-requires={MANAGE}
              disabled={action.busy !== null}
              value={children ?? ''}
              onChange={(e) => void choose(e.target.value)}
            >
              <option value="">None</option>
              {list.map((p) => (
                <option key={p.prompt_id} value={p.prompt_id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <ErrorText message={editing || removing ? null : action.error} />
        <div className="mt-4">
          {prompts.data && list.length === 0 && <Empty>No system prompts yet.</Empty>}
          {list.length > 0 && (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="System prompts">
                <thead className="text-xs text-muted-foreground">
                  <tr>
                    {['Name', 'Prompt', 'Version', 'Saved'].map((h) => (
                      <th key={h} scope="col" className="py-2 pr-3 font-medium">
                        {h}
                      </th>
                    ))}
                    <th scope="col" className="py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.prompt_id} className="border-t align-top" data-testid="prompt-row">
                      <td className="py-2 pr-3">
                        {p.name}
                        {p.prompt_id === children && (
                          <span className="ml-2 rounded bg-muted px-1.5 py-0.5 text-xs">children</span>
                        )}
                      </td>
                      <td className="max-w-md py-2 pr-3 whitespace-pre-wrap break-words">{p.text}</td>
                      <td className="py-2 pr-3">{p.version}</td>
                      <td className="py-2 pr-3">{when(p.updated_at)}</td>
                      <td className="flex gap-2 py-2 text-right">
                        <Button
                          variant="outline"
                          size="sm"
                          data-requires={MANAGE}
                          onClick={() => setOpened(p)}
                        >
                          Edit<span className="sr-only"> the prompt {p.name}</span>
                        </Button>
                        <Button variant="outline" size="sm" onClick={() => setViewing(p)}>
                          Versions<span className="sr-only"> of the prompt {p.name}</span>
                        </Button>
                        <Button
                          variant="outline"
                          size="sm"
                          data-requires={MANAGE}
                          disabled={action.busy !== null}
                          onClick={() => setRemoving(p)}
                        >
                          Remove<span className="sr-only"> the prompt {p.name}</span>
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </Section>
      <Section
        title="New prompt"
        description="A name the family will recognise, and what the assistant should be told."
      >
        <form className="flex flex-col gap-3" onSubmit={add} aria-label="New prompt">
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
              rows={4}
              maxLength={MAX_SYSTEM_PROMPT}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <div>
            <Button
              type="submit"
              data-requires={MANAGE}
              disabled={action.busy !== null || name.trim() === '' || text.trim() === ''}
            >
              Add prompt
            </Button>
          </div>
        </form>
      </Section>
      {editing && (
        <PromptEditor
          prompt={editing}
          onClose={() => setOpened(null)}
          onSaved={async () => {
            setOpened(null);
            await prompts.reload();
          }}
          onRefused={() => prompts.reload()}
        />
      )}
      {viewing && <PromptVersions prompt={viewing} onClose={() => setViewing(null)} />}
      <Dialog
        open={removing !== null}
        title="Remove this prompt?"
        description={
          removing?.prompt_id === children
            ? `“${removing?.name ?? ''}” is the children’s prompt: children will have none until you choose another. Its versions stay readable in the log.`
            : `“${removing?.name ?? ''}” is no longer offered. Its versions stay readable in the log.`
        }
        onClose={() => setRemoving(null)}
        actions={
          <Button variant="destructive" disabled={action.busy !== null} onClick={() => void remove()}>
            Remove prompt
          </Button>
        }
      />
    </div>
  );
}
