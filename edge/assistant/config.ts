/** The family assistant's model server, from OLLAMA_URL and HEARTH_ASSISTANT_* (edge/config.ts). */
export type AssistantConfig = {
  /** An Ollama-compatible server; undefined: the assistant says none is configured. */
  ollamaUrl: string | undefined;
  /** The model for a member who chose none. */
  defaultModel: string;
  /** How long to wait for the server's answer to begin, and between two of its chunks. */
  timeoutMs: number;
  /** How long a whole answer may take; past it, the answer is cut off ('timeout'). */
  maxDurationMs: number;
  /** How long an identical request is answered from the prompt cache (0: never). */
  cacheTtlMs: number;
};
