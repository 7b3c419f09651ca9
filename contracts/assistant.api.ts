// What the assistant's routes answer, and the events of its answer stream (SSE).

export type AssistantStatus = {
  /** False: no model server is configured; `help` says how to add one. */
  configured: boolean;
  help: string;
  default_model: string;
  /** Children's conversations are readable by the family's admins; the child's screen says so. */
  transcript_visible_to_admins: boolean;
  /** The models this member may choose; null when they cannot be listed (any name is checked when asked). */
  models: string[] | null;
};

export type ConversationSummary = {
  conversation_id: string;
  member_id: string;
  role: string;
  title: string;
  turns: number;
  started_at: string;
  updated_at: string;
};

export type CutOff = '' | 'stopped' | 'timeout' | 'upstream';

export type Turn = {
  turn: number;
  model: string;
  prompt: string;
  /** null while the answer is still coming. */
  answer: string | null;
  prompt_tokens: number;
  answer_tokens: number;
  duration_ms: number;
  cut_off: CutOff;
  cached: boolean;
  asked_at: string;
  answered_at: string | null;
};

export type ConversationAnswer = { conversation: ConversationSummary; turns: Turn[] };

export type UsageDay = { member_id: string; day: string; requests: number; tokens: number; cached: number };

/** The SSE events of POST /api/v1/assistant/chat, by event name. */
export type ChatStreamEvents = {
  start: { conversation_id: string; turn: number; model: string; cached: boolean };
  token: { text: string };
  done: {
    cut_off: CutOff;
    prompt_tokens: number;
    answer_tokens: number;
    duration_ms: number;
    cached: boolean;
  };
  /** The answer failed after it began: what came is kept as a partial answer. */
  error: { error: string; code: string };
};

/** A named system prompt at its current version (GET /api/v1/admin/assistant/prompts). */
export type SystemPrompt = {
  prompt_id: string;
  name: string;
  text: string;
  version: number;
  created_at: string;
  updated_at: string;
  /** The admin who saved the last version (or removed it). */
  updated_by: string;
};

export type SystemPromptVersion = {
  version: number;
  name: string;
  text: string;
  saved_at: string;
  saved_by: string;
};

export type SystemPromptsAnswer = {
  prompts: SystemPrompt[];
  /** The prompt every child's conversation gets before the child's own, null for none. */
  children_prompt_id: string | null;
};

/** One prompt, removed ones too, with every version, newest first. */
export type SystemPromptAnswer = {
  prompt: SystemPrompt & { removed: boolean };
  versions: SystemPromptVersion[];
};

/** What a change of the prompts answers: the log's sequence and the prompt's version now. */
export type SystemPromptSaved = { seq: number; prompt_id: string; version: number };
