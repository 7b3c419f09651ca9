// The admins' named, versioned system prompts: list, create, save a new version (against the
// version the admin changed: 409 when stale), remove, choose the children's prompt, and read
// one with every version. Each change answers once its read model has it.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type {
  SystemPrompt,
  SystemPromptAnswer,
  SystemPromptSaved,
  SystemPromptsAnswer,
} from '../../contracts/assistant.api.ts';
import {
  childrenPromptBody,
  createPromptBody,
  removePromptBody,
  savePromptBody,
  UUID_PATTERN,
} from '../../contracts/assistant.schema.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import type { StoredPrompt } from '../../projectors/assistant-conversations/prompt-queries.ts';
import {
  findSystemPrompt,
  listSystemPrompts,
} from '../../projectors/assistant-conversations/prompt-queries.ts';
import type { AssistantWriter } from '../../writers/assistant/commands.ts';
import { assistantErrors } from '../../writers/assistant/errors.ts';
import type { PromptCommand } from '../../writers/assistant/prompts.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { ASSISTANT_PERMISSIONS } from '../http/permissions.ts';
import { READ_AFTER_TIMEOUT_MS } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';

const UUID = new RegExp(UUID_PATTERN);
const BASE = '/admin/assistant/prompts';

/** The :id of a prompt route: anything not a prompt id names no prompt. */
const promptId = (id: string) => {
  if (!UUID.test(id)) throw assistantErrors.noSuchPrompt();
  return id;
};

export function promptRoutes({ deps, writer }: { deps: HubDeps; writer: AssistantWriter }): Hono<HubEnv> {
  const { db, auth } = deps;
  const manage = requirePermission(auth, ASSISTANT_PERMISSIONS.manage);
  const app = new Hono<HubEnv>();

  /**
   * Appends, then waits (bounded) until the read model has it; 503 not_caught_up when it does not
   * in time (the change is written: a retry with the same Idempotency-Key answers it again).
   */
  const change = async (command: PromptCommand, meta: ReturnType<typeof commandMeta>) => {
    const result = await writer.prompts(command, meta);
    if (!(await deps.projectors.waitFor(ASSISTANT_CONVERSATIONS, result.seq, READ_AFTER_TIMEOUT_MS)))
      throw commonErrors.notCaughtUp(undefined, { readModel: ASSISTANT_CONVERSATIONS, after: result.seq });
    return result;
  };

  app.get(BASE, manage, async (c) => {
    const { prompts, childrenPromptId } = await listSystemPrompts(db);
    return c.json({
      prompts: prompts.map(prompt),
      children_prompt_id: childrenPromptId || null,
    } satisfies SystemPromptsAnswer);
  });

  app.post(BASE, manage, jsonBody(createPromptBody), async (c) => {
    const body = c.req.valid('json');
    const meta = commandMeta(c, body);
    const id = idOf(meta.commandId);
    const by = c.get('user').id;
    const result = await change(
      { type: 'save', promptId: id, expectedVersion: 0, name: body.name, text: body.text, by },
      meta,
    );
    return c.json({ seq: result.seq, prompt_id: id, version: 1 } satisfies SystemPromptSaved, 201);
  });

  app.get(`${BASE}/:id`, manage, async (c) => {
    const found = await findSystemPrompt(db, promptId(c.req.param('id')));
    if (!found) throw assistantErrors.noSuchPrompt();
    return c.json({
      prompt: { ...prompt(found.prompt), removed: found.prompt.removed },
      versions: found.versions.map((v) => ({
        version: v.version,
        name: v.name,
        text: v.text,
        saved_at: v.saved_at.toISOString(),
        saved_by: v.saved_by,
      })),
    } satisfies SystemPromptAnswer);
  });

  app.put(`${BASE}/:id`, manage, jsonBody(savePromptBody), async (c) => {
    const id = promptId(c.req.param('id'));
    const body = c.req.valid('json');
    const result = await change(
      {
        type: 'save',
        promptId: id,
        expectedVersion: body.expected_version,
        name: body.name,
        text: body.text,
        by: c.get('user').id,
      },
      commandMeta(c, body),
    );
    return c.json({
      seq: result.seq,
      prompt_id: id,
      version: body.expected_version + 1,
    } satisfies SystemPromptSaved);
  });

  app.post(`${BASE}/:id/remove`, manage, jsonBody(removePromptBody), async (c) => {
    const id = promptId(c.req.param('id'));
    const body = c.req.valid('json');
    const result = await change(
      { type: 'remove', promptId: id, expectedVersion: body.expected_version, by: c.get('user').id },
      commandMeta(c, body),
    );
    return c.json({
      seq: result.seq,
      prompt_id: id,
      version: body.expected_version,
    } satisfies SystemPromptSaved);
  });

  app.put(
    '/admin/assistant/children-prompt',
    manage,
    jsonBody(childrenPromptBody, { nullIsAbsent: true }),
    async (c) => {
      const body = c.req.valid('json');
      const id = body.prompt_id ?? '';
      const result = await change(
        { type: 'setChildren', promptId: id, by: c.get('user').id },
        commandMeta(c, body),
      );
      return c.json({ seq: result.seq, children_prompt_id: id || null });
    },
  );

  return app;
}

/** The new prompt's id, from the command's: a retried create (same Idempotency-Key) names the same prompt. */
function idOf(commandId: string): string {
  const h = createHash('sha256').update(commandId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const prompt = (p: StoredPrompt): SystemPrompt => ({
  prompt_id: p.prompt_id,
  name: p.name,
  text: p.text,
  version: p.version,
  created_at: p.created_at.toISOString(),
  updated_at: p.updated_at.toISOString(),
  updated_by: p.updated_by,
});
