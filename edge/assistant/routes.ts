// The family assistant's routes: its status, a prompt answered as a stream, each member's own
// conversations, and for admins the children's transcripts, everyone's usage, the settings and
// the system prompts (prompts.ts).
import { Hono, type MiddlewareHandler } from 'hono';
import type {
  AssistantStatus,
  ConversationAnswer,
  ConversationSummary,
  CutOff,
  UsageDay,
} from '../../contracts/assistant.api.ts';
import {
  assistantSettingsBody,
  chatBody,
  MAX_PROMPT,
  UUID_PATTERN,
} from '../../contracts/assistant.schema.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import {
  assistantSettings,
  findConversation,
  listConversations,
  type StoredConversation,
  type StoredTurn,
  usageByDay,
} from '../../projectors/assistant-conversations/queries.ts';
import { assistantErrors } from '../../writers/assistant/errors.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { ASSISTANT_PERMISSIONS } from '../http/permissions.ts';
import { READ_AFTER_TIMEOUT_MS, readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import { type ChatParts, chat } from './chat.ts';
import { modelChoices } from './models.ts';
import { promptRoutes } from './prompts.ts';

const HELP =
  'Set OLLAMA_URL to an Ollama server (for example http://ollama:11434) and restart the hub; with Docker Compose, start the "full" profile, which runs one.';
const UUID = new RegExp(UUID_PATTERN);
const USAGE_DAYS = 30;

/** A prompt over the limit is a 413, before the schema's 400 for other bad fields. */
const promptSize: MiddlewareHandler<HubEnv> = async (c, next) => {
  const body = (await c.req.json().catch(() => undefined)) as { prompt?: unknown } | undefined;
  if (typeof body?.prompt === 'string' && body.prompt.length > MAX_PROMPT)
    throw assistantErrors.tooLarge(`The prompt is too long: at most ${MAX_PROMPT} characters.`);
  await next();
};

export function assistantRoutes({
  deps,
  writer,
  config,
  cache,
  settings,
  admissions,
  preferences,
}: ChatParts): Hono<HubEnv> {
  const { db, auth } = deps;
  const use = requirePermission(auth, ASSISTANT_PERMISSIONS.use);
  const manage = requirePermission(auth, ASSISTANT_PERMISSIONS.manage);
  const app = new Hono<HubEnv>();

  const choices = modelChoices({ config, settings });
  app.get('/assistant/status', use, async (c) => {
    const role = c.get('user').role ?? 'member';
    return c.json({
      configured: config.ollamaUrl !== undefined,
      help: config.ollamaUrl === undefined ? `No model server is configured. ${HELP}` : '',
      default_model: config.defaultModel,
      transcript_visible_to_admins: role === 'child',
      models: await choices(role),
    } satisfies AssistantStatus);
  });

  app.post('/assistant/chat', use, promptSize, jsonBody(chatBody), (c) =>
    chat(c, c.req.valid('json'), { deps, writer, config, cache, settings, admissions, preferences }),
  );

  app.get('/assistant/conversations', use, async (c) => {
    const rows = await listConversations(db, { memberId: c.get('user').id, limit: 100 });
    return c.json({ conversations: rows.map(summary) });
  });

  // Their own, or for an admin a child's (the child's screen says so).
  app.get('/assistant/conversations/:id', use, async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw commonErrors.notFound();
    const found = await findConversation(db, id);
    const user = c.get('user');
    const mine = found?.conversation.member_id === user.id;
    const parent = found?.conversation.role === 'child' && auth.can(user.role, ASSISTANT_PERMISSIONS.manage);
    if (!found || !(mine || parent)) throw assistantErrors.notYours();
    return c.json({
      conversation: summary(found.conversation),
      turns: found.turns.map(turn),
    } satisfies ConversationAnswer);
  });

  app.get('/admin/assistant/children', manage, async (c) => {
    const rows = await listConversations(db, { role: 'child', limit: 200 });
    return c.json({ conversations: rows.map(summary) });
  });

  app.get(
    '/admin/assistant/settings',
    manage,
    readAfter(deps.projectors, ASSISTANT_CONVERSATIONS),
    async (c) => c.json(await assistantSettings(db)),
  );

  app.put('/admin/assistant/settings', manage, jsonBody(assistantSettingsBody), async (c) => {
    const body = c.req.valid('json');
    const result = await writer.changeSettings(
      {
        expectedVersion: body.expected_version,
        allowedModels: body.allowed_models,
        quotas: body.quotas.map((q) => ({
          memberId: q.member_id,
          tokensPerDay: q.tokens_per_day,
          requestsPerMinute: q.requests_per_minute,
        })),
      },
      commandMeta(c, body),
    );
    // Held here at once; other edges hear it on the log (settings-memory.ts).
    settings.changed({
      version: body.expected_version + 1,
      allowed_models: body.allowed_models,
      quotas: body.quotas,
    });
    // Saved either way; 202 when the read model has not applied it yet (GET ?after=seq waits).
    const applied = await deps.projectors.waitFor(ASSISTANT_CONVERSATIONS, result.seq, READ_AFTER_TIMEOUT_MS);
    return c.json({ seq: result.seq, version: body.expected_version + 1 }, applied ? 200 : 202);
  });

  app.route('/', promptRoutes({ deps, writer }));

  app.get('/admin/assistant/usage', manage, async (c) => {
    const since = new Date(Date.now() - USAGE_DAYS * 86_400_000);
    return c.json({ usage: (await usageByDay(db, since)) satisfies UsageDay[] });
  });

  return app;
}

const summary = (r: StoredConversation): ConversationSummary => ({
  conversation_id: r.conversation_id,
  member_id: r.member_id,
  role: r.role,
  title: r.title,
  turns: r.turns,
  started_at: r.started_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

const turn = (t: StoredTurn) => ({
  turn: t.turn,
  model: t.model,
  prompt: t.prompt,
  answer: t.answer,
  prompt_tokens: t.prompt_tokens,
  answer_tokens: t.answer_tokens,
  duration_ms: t.duration_ms,
  cut_off: t.cut_off as CutOff,
  cached: t.cached,
  asked_at: t.asked_at.toISOString(),
  answered_at: t.answered_at?.toISOString() ?? null,
});
