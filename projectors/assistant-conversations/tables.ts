import type { ColumnType, Generated } from 'kysely';

type Seq = ColumnType<string, number, number>;

export type ConversationRow = {
  conversation_id: string;
  member_id: string;
  /** The member's role when the conversation began: a child's is readable by admins. */
  role: string;
  /** Personal: the first prompt's opening words, blanked when the member is erased. */
  title: string;
  turns: number;
  started_at: Date;
  updated_at: Date;
  last_seq: Seq;
};

export type TurnRow = {
  conversation_id: string;
  turn: number;
  member_id: string;
  model: string;
  /** Personal: blanked when the member is erased. */
  prompt: string;
  /** Personal; null until the answer is completed. */
  answer: ColumnType<string | null, string | undefined, string>;
  prompt_tokens: Generated<number>;
  answer_tokens: Generated<number>;
  duration_ms: Generated<number>;
  /** '' whole, 'stopped', 'timeout', 'upstream'. */
  cut_off: Generated<string>;
  cached: Generated<boolean>;
  asked_at: Date;
  answered_at: ColumnType<Date | null, Date | undefined, Date>;
  last_seq: Seq;
};

export type SettingsRow = {
  id: string;
  version: number;
  /** [{ role, models }] */
  allowed_models: ColumnType<{ role: string; models: string[] }[], string, string>;
  /** [{ member_id, tokens_per_day, requests_per_minute }] */
  quotas: ColumnType<
    { member_id: string; tokens_per_day: number; requests_per_minute: number }[],
    string,
    string
  >;
  last_seq: Seq;
};

/** One named system prompt as its last version left it (removed ones stay, marked). */
export type SystemPromptRow = {
  prompt_id: string;
  name: string;
  text: string;
  version: number;
  removed: Generated<boolean>;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
  last_seq: Seq;
};

export type SystemPromptVersionRow = {
  prompt_id: string;
  version: number;
  name: string;
  text: string;
  saved_at: Date;
  saved_by: string;
  last_seq: Seq;
};

/** One row ('family'): the prompt every child's conversation gets, '' for none. */
export type ChildrenPromptRow = {
  id: string;
  prompt_id: string;
  set_at: Date;
  set_by: string;
  last_seq: Seq;
};

export type AssistantDB = {
  conversations: ConversationRow;
  turns: TurnRow;
  settings: SettingsRow;
  system_prompts: SystemPromptRow;
  system_prompt_versions: SystemPromptVersionRow;
  children_prompt: ChildrenPromptRow;
};
