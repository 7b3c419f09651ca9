// POST /assistant/chat: the member's prompt is written (PromptSubmitted) while the model server
// is asked with the conversation so far, and its answer streams back as SSE once the prompt is
// written (a prompt that could not be written cancels the request and is answered an error).
// Whatever ends it (the end, Stop or a closed tab, a timeout, a failing server) the answer as
// far as it came is written (AnswerCompleted, cut_off saying why), and the upstream request is
// cancelled. The time to the first token is what a member waits on: nothing is read one after
// another before the model server is asked (settings and preferences come from memory).
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChatStreamEvents, CutOff } from '../../contracts/assistant.api.ts';
import type { ChatBody } from '../../contracts/assistant.schema.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { findConversation } from '../../projectors/assistant-conversations/queries.ts';
import type { AssistantWriter } from '../../writers/assistant/commands.ts';
import { assistantErrors } from '../../writers/assistant/errors.ts';
import type { AppendResult } from '../../writers/log/append.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { READ_AFTER_TIMEOUT_MS } from '../http/read-after.ts';
import type { PreferencesMemory } from '../preferences/memory.ts';
import type { PromptCache } from './cache.ts';
import type { AssistantConfig } from './config.ts';
import { type Admissions, checkModel, quotaOf, readUsage } from './limits.ts';
import { type ChatMessage, openChat, UpstreamError, type UpstreamFailure } from './ollama.ts';
import type { SettingsMemory } from './settings-memory.ts';
import { familyPromptFor, systemMessages } from './system-prompts.ts';

/** The longest answer kept, in UTF-16 units: with 3 bytes each at most, an AnswerCompleted stays far under NATS's 1 MB. */
export const MAX_ANSWER = 64 * 1024;
/** Asked of the model (options.num_predict): about as many tokens as MAX_ANSWER holds. */
const NUM_PREDICT = 16 * 1024;

const CUT: Record<UpstreamFailure, CutOff> = {
  stopped: 'stopped',
  timeout: 'timeout',
  down: 'upstream',
  garbage: 'upstream',
  refused: 'upstream',
};

/** What a prompt is answered with (the assistant's routes hold the same). */
export type ChatParts = {
  deps: HubDeps;
  writer: AssistantWriter;
  config: AssistantConfig;
  cache: PromptCache;
  settings: SettingsMemory;
  admissions: Admissions;
  preferences: PreferencesMemory;
};

export async function chat(
  c: Context<HubEnv>,
  body: ChatBody,
  { deps, writer, config, cache, settings, admissions, preferences }: ChatParts,
): Promise<Response> {
  const url = config.ollamaUrl;
  if (url === undefined) throw assistantErrors.notConfigured();
  const user = c.get('user');
  const role = user.role ?? 'member';
  const now = new Date();
  const conversationId = body.conversation_id ?? randomUUID();
  const fresh = body.conversation_id === undefined;
  // Everything the prompt needs is read at once: the admins' settings and the member's
  // preferences (from memory), the conversation so far and, under a quota, their usage.
  const allowed = await settings.get();
  const quota = quotaOf(allowed, user.id);
  const [prefs, earlier, usage, family] = await Promise.all([
    preferences.get(user.id),
    body.conversation_id ? caughtUp(deps, conversationId) : undefined,
    quota ? readUsage(deps, { memberId: user.id, now }) : undefined,
    familyPromptFor(deps, role),
  ]);
  if (earlier && earlier.conversation.member_id !== user.id) throw assistantErrors.notYours();
  const model = body.model ?? (prefs.assistant_model || config.defaultModel);
  checkModel(allowed, { role, model });

  const { system, applied } = systemMessages(prefs, family);
  const messages: ChatMessage[] = [];
  messages.push(...system);
  messages.push(...history(earlier?.turns ?? []));
  messages.push({ role: 'user', content: body.prompt });

  const meta = commandMeta(c, body);
  const turn = (earlier?.conversation.turns ?? 0) + 1;
  const startedAt = Date.now();
  const complete = (
    answer: string,
    extra: { promptTokens: number; answerTokens: number; cutOff: CutOff; cached: boolean },
  ) =>
    writer.complete(
      {
        conversationId,
        memberId: user.id,
        turn,
        model,
        answer,
        durationMs: Date.now() - startedAt,
        ...extra,
      },
      { ...meta, commandId: `${meta.commandId}:answer`, now: new Date() },
    );

  const key = cache.key(user.id, model, messages);
  const hit = cache.get(key, startedAt);
  const admission = admissions.admit({ quota, usage, now });
  // The prompt is written while the model server is asked: nothing of the answer is sent or
  // recorded before the prompt's append has succeeded.
  const submit = () =>
    admission.follow(
      (async () =>
        writer.submit(
          { conversationId, memberId: user.id, role, model, prompt: body.prompt, turn, ...applied, fresh },
          meta,
        ))(),
    );
  if (hit) {
    await submit();
    await complete(hit.answer, { ...hit, cutOff: '', cached: true });
    return streamSSE(c, async (sse) => {
      const send = <E extends keyof ChatStreamEvents>(event: E, data: ChatStreamEvents[E]) =>
        sse.writeSSE({ event, data: JSON.stringify(data) });
      await send('start', { conversation_id: conversationId, turn, model, cached: true });
      await send('token', { text: hit.answer });
      await send('done', {
        cut_off: '',
        prompt_tokens: hit.promptTokens,
        answer_tokens: hit.answerTokens,
        duration_ms: Date.now() - startedAt,
        cached: true,
      });
    });
  }

  // Cancelled when the member leaves (the request's signal, even if it left already), the
  // stream is aborted, or the whole answer takes too long.
  const stop = new AbortController();
  const left = () => stop.abort();
  const deadline = AbortSignal.timeout(config.maxDurationMs);
  const signal = AbortSignal.any([c.req.raw.signal, stop.signal, deadline]);
  const failureOf = (err: unknown): UpstreamFailure =>
    deadline.aborted
      ? 'timeout'
      : signal.aborted
        ? 'stopped'
        : err instanceof UpstreamError
          ? err.failure
          : 'garbage';
  // Asked first: its request is on its way to the model server while the prompt is written.
  const opening = openChat({
    url,
    model,
    messages,
    timeoutMs: config.timeoutMs,
    signal,
    numPredict: NUM_PREDICT,
  }).then(
    (stream) => ({ stream }),
    (err: unknown) => ({ err }),
  );
  let submitted: AppendResult;
  try {
    submitted = await submit();
  } catch (err) {
    // A prompt that was not written is not answered: the model server's request is cancelled.
    stop.abort();
    const opened = await opening;
    if ('stream' in opened) await opened.stream.return();
    throw err;
  }
  const opened = await opening;
  if ('err' in opened) {
    const { err } = opened;
    const failure = err instanceof UpstreamError || signal.aborted ? failureOf(err) : 'down';
    await complete('', { promptTokens: 0, answerTokens: 0, cutOff: CUT[failure], cached: false });
    throw failure === 'timeout'
      ? assistantErrors.upstreamTimeout()
      : failure === 'refused'
        ? assistantErrors.upstreamRefused((err as Error).message)
        : assistantErrors.upstreamDown();
  }
  const upstream = opened.stream;

  return streamSSE(c, async (sse) => {
    sse.onAbort(left);
    const send = <E extends keyof ChatStreamEvents>(event: E, data: ChatStreamEvents[E]) =>
      sse.writeSSE({ event, data: JSON.stringify(data) });
    let answer = '';
    let tokens = { promptTokens: 0, answerTokens: 0 };
    let cutOff: CutOff = 'upstream';
    try {
      await send('start', { conversation_id: conversationId, turn, model, cached: false });
      for await (const chunk of upstream) {
        if (chunk.kind === 'done') {
          tokens = { promptTokens: chunk.promptTokens, answerTokens: chunk.answerTokens };
          cutOff = '';
          break;
        }
        const room = MAX_ANSWER - answer.length;
        const text = chunk.text.length > room ? chunk.text.slice(0, room) : chunk.text;
        answer += text;
        if (!sse.aborted && text !== '') await send('token', { text });
        if (answer.length >= MAX_ANSWER)
          throw new UpstreamError('garbage', 'The answer was too long; it is cut off here.');
      }
      if (cutOff === '') cache.put(key, { answer, ...tokens }, Date.now());
    } catch (err) {
      const failure = failureOf(err);
      cutOff = CUT[failure];
      if (!sse.aborted && failure !== 'stopped')
        await send('error', {
          error: (err as Error).message,
          code: failure === 'timeout' ? 'assistant.upstream_timeout' : 'assistant.upstream_failed',
        }).catch(() => undefined);
    } finally {
      stop.abort();
    }
    try {
      await complete(answer, { ...tokens, cutOff, cached: false });
    } catch (err) {
      deps.logger.warn({ err, conversationId, seq: submitted.seq }, 'an assistant answer was not recorded');
    }
    if (!sse.aborted)
      await send('done', {
        cut_off: cutOff,
        ...snake(tokens),
        duration_ms: Date.now() - startedAt,
        cached: false,
      }).catch(() => undefined);
  });
}

/** The conversation as read once its read model has applied its last event (else 503). */
async function caughtUp(deps: HubDeps, conversationId: string) {
  const { log } = deps;
  const last = await log.jsm.direct
    .getMessage(log.names.stream('assistant'), {
      last_by_subj: log.names.assistant.conversation(conversationId),
    })
    .catch(() => null);
  if (last && !(await deps.projectors.waitFor(ASSISTANT_CONVERSATIONS, last.seq, READ_AFTER_TIMEOUT_MS)))
    throw commonErrors.notCaughtUp(undefined, { readModel: ASSISTANT_CONVERSATIONS, after: last.seq });
  return findConversation(deps.db, conversationId);
}

/** The newest turns that fit: at most MAX_HISTORY_TURNS, and MAX_HISTORY characters. */
export const MAX_HISTORY_TURNS = 20;
const MAX_HISTORY = 200_000;
function history(turns: { prompt: string; answer: string | null }[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let size = 0;
  for (const t of turns.slice(-MAX_HISTORY_TURNS).reverse()) {
    size += t.prompt.length + (t.answer?.length ?? 0);
    if (size > MAX_HISTORY) break;
    if (t.answer) out.unshift({ role: 'assistant', content: t.answer });
    out.unshift({ role: 'user', content: t.prompt });
  }
  return out;
}

const snake = (t: { promptTokens: number; answerTokens: number }) => ({
  prompt_tokens: t.promptTokens,
  answer_tokens: t.answerTokens,
});
