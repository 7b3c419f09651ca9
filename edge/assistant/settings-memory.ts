// The admins' assistant settings held in this edge's memory, so a prompt reads them without a
// database round trip. Each change is the whole new set with its version, so what this edge
// hears on the log (follow below) or appends itself (the settings route) replaces what it held
// at once; the read model is asked again only when nothing newer was heard for maxAgeMs (an
// edge that stopped hearing the log). A higher version always wins: a read of the read model
// that lags behind an event heard meanwhile never puts the older settings back.
import type { Logger } from 'pino';
import type { StoredSettings } from '../../projectors/assistant-conversations/queries.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { followStream } from '../preferences/follow.ts';

/** How long settings are answered from memory without news, before the read model is asked again. */
const MAX_AGE_MS = 5_000;
const SETTINGS_CHANGED = 'hearth.assistant.v1.AssistantSettingsChanged';

export type SettingsMemory = ReturnType<typeof createSettingsMemory>;

export function createSettingsMemory({
  load,
  maxAgeMs = MAX_AGE_MS,
  now = Date.now,
}: {
  /** The settings as the read model has them. */
  load: () => Promise<StoredSettings>;
  maxAgeMs?: number;
  now?: () => number;
}) {
  let held: StoredSettings | undefined;
  let freshUntil = Number.NEGATIVE_INFINITY;
  /** One read at a time: a burst of prompts after the settings went stale waits for the same one. */
  let loading: Promise<StoredSettings> | undefined;
  /** Counts resets: a read begun before one is answered to its callers but not kept. */
  let generation = 0;

  const keep = (settings: StoredSettings) => {
    if (held && settings.version < held.version) return held;
    held = settings;
    freshUntil = now() + maxAgeMs;
    return held;
  };

  return {
    /** The newest settings known here: from memory while fresh, else from the read model. */
    get(): Promise<StoredSettings> {
      if (held && now() < freshUntil) return Promise.resolve(held);
      if (loading) return loading;
      const began = generation;
      const read: Promise<StoredSettings> = load()
        .then((settings) => (began === generation ? keep(settings) : settings))
        .finally(() => {
          if (loading === read) loading = undefined;
        });
      loading = read;
      return read;
    },
    /** A change heard on the log or appended here: the whole new set, at its version. */
    changed(settings: StoredSettings): void {
      keep(settings);
    },
    /** A change may have been missed (follow.ts onLost): the read model is asked again. */
    stale(): void {
      freshUntil = Number.NEGATIVE_INFINITY;
    },
    /**
     * The stream is new (its versions start again) or the read model was rewritten: nothing
     * held stands, not even its version, and a read under way is not kept.
     */
    reset(): void {
      generation++;
      held = undefined;
      freshUntil = Number.NEGATIVE_INFINITY;
      loading = undefined;
    },
  };
}

/** The settings an AssistantSettingsChanged event carries, as the read model stores them. */
export function settingsOf(e: StoredEvent): StoredSettings | null {
  const event = e.event as { case?: string; value?: unknown };
  if (event.case !== 'settingsChanged') return null;
  const v = event.value as {
    version: number;
    allowedModels: { role: string; models: string[] }[];
    quotas: { memberId: string; tokensPerDay: number; requestsPerMinute: number }[];
  };
  return {
    version: v.version,
    allowed_models: v.allowedModels.map((r) => ({ role: r.role, models: [...r.models] })),
    quotas: v.quotas.map((q) => ({
      member_id: q.memberId,
      tokens_per_day: q.tokensPerDay,
      requests_per_minute: q.requestsPerMinute,
    })),
  };
}

/** Follows the settings' subject, so a change made through another edge is held here at once. */
export function followSettings({
  log,
  logger,
  memory,
}: {
  log: Log;
  logger: Logger;
  memory: SettingsMemory;
}): Promise<{ stop: () => Promise<void> }> {
  return followStream({
    log,
    domain: 'assistant',
    filter: log.names.assistant.settings(),
    wants: (type) => type === SETTINGS_CHANGED,
    logger,
    onEvent: (e) => {
      const settings = settingsOf(e);
      if (settings) memory.changed(settings);
    },
    onLost: () => memory.stale(),
    onNewStream: () => memory.reset(),
  });
}
