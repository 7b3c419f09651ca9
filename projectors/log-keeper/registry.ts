// Which aggregate a subject of the log is: every writer's AggregateType whose decisions read
// state, matched by the shape of its subjects (contracts/subjects.ts). Types whose decisions
// read no state ('none': inboxes, sessions, refusals) need nothing kept; subjects that are no
// aggregate (the chain's checkpoints) match nothing.
import type { Envelope } from '../../contracts/events.ts';
import type { Names } from '../../contracts/subjects.ts';
import { conversationAggregate } from '../../writers/assistant/conversation.ts';
import { promptsAggregate } from '../../writers/assistant/prompts.ts';
import { settingsAggregate as assistantSettingsAggregate } from '../../writers/assistant/settings.ts';
import { refusalAggregate } from '../../writers/audit/refusal.ts';
import { channelAggregate } from '../../writers/chat/channel.ts';
import { messageAggregate } from '../../writers/chat/message.ts';
import { watermarkAggregate } from '../../writers/chat/watermark.ts';
import { inboxAggregate } from '../../writers/home/inbox.ts';
import { apiKeyAggregate } from '../../writers/identity/api-key.ts';
import { accountAggregate, sessionsAggregate } from '../../writers/identity/decide.ts';
import { familyAggregate } from '../../writers/identity/family.ts';
import { inviteAggregate } from '../../writers/identity/invite.ts';
import { webhookAggregate } from '../../writers/identity/webhook.ts';
import { type AggregateType, snapshotState } from '../../writers/log/append.ts';
import { type Folded, foldAggregate } from '../../writers/log/fold.ts';
import type { Log } from '../../writers/log/open.ts';
import { foldAt, type Travelled } from '../../writers/log/travel.ts';
import { albumAggregate } from '../../writers/media/album.ts';
import { blobAggregate } from '../../writers/media/blob.ts';
import { avatarAggregate, rejectionAggregate } from '../../writers/media/records.ts';
import { mediaSettingsAggregate } from '../../writers/media/settings.ts';
import { challengeAggregate, rewardAggregate } from '../../writers/play/challenge.ts';
import { choreAggregate } from '../../writers/play/chore.ts';
import { completionAggregate } from '../../writers/play/completion.ts';
import { matchAggregate } from '../../writers/play/match.ts';
import { rulesAggregate } from '../../writers/play/rules.ts';
import { settingsAggregate } from '../../writers/play/settings.ts';
import { preferencesAggregate } from '../../writers/preferences/member.ts';

/** One aggregate type, its generics closed over: what the keeper needs of it. */
export type Kept = {
  name: string;
  stateful: boolean;
  /** The aggregate's current state, folded from its snapshot as the appender folds it. */
  fold: (log: Log, subject: string) => Promise<Folded<unknown>>;
  /** What its snapshot keeps of a state: no personal data (AggregateType.keep). */
  keep: (state: unknown) => unknown;
  /** The subject's tokens, ids as null (any single token). */
  pattern: (string | null)[];
  /** The subject of the aggregate with this id (a pair's id is "a:b"). */
  subject: (id: string) => string;
  /** Whether its id is a pair ("a:b"). */
  pair: boolean;
  /** Its state at a sequence or a moment, personal fields left sealed (the admins' time travel). */
  travel: (
    log: Log,
    subject: string,
    at: { atSeq?: number; atTime?: Date; maxFolded?: number; signal?: AbortSignal },
  ) => Promise<Travelled<unknown>>;
};

// Ids a subject never carries in practice; where a type's subject puts them, any token matches.
const A = 'keeperIdA';
const B = 'keeperIdB';

function kept<S, C, Env extends Envelope>(
  names: Names,
  name: string,
  type: AggregateType<S, C, Env>,
  pair = false,
): Kept {
  const sample = type.subject(names, pair ? `${A}:${B}` : A);
  return {
    name,
    stateful: type.concurrency === 'optimistic',
    fold: (log, subject) => foldAggregate({ log, type, subject }),
    keep: (state) => snapshotState(type, state as S),
    pattern: sample.split('.').map((t) => (t === A || t === B ? null : t)),
    subject: (id) => type.subject(names, id),
    pair,
    travel: (log, subject, at) => foldAt({ log, type, subject, ...at }),
  };
}

/** Every writer's aggregate type, in this namespace. */
export function aggregateTypes(names: Names): Kept[] {
  return [
    kept(names, 'identity.account', accountAggregate),
    kept(names, 'identity.sessions', sessionsAggregate),
    kept(names, 'identity.invite', inviteAggregate),
    kept(names, 'identity.family', familyAggregate),
    // An API key lives as long as it may be used (up to MAX_KEY_DAYS, past the stream's
    // retention): its snapshot keeps the secret's hash, which is no member's personal data.
    kept(names, 'identity.apiKey', apiKeyAggregate),
    kept(names, 'identity.webhook', webhookAggregate),
    kept(names, 'chat.channel', channelAggregate),
    kept(names, 'chat.message', messageAggregate, true),
    kept(names, 'chat.read', watermarkAggregate, true),
    kept(names, 'play.rules', rulesAggregate),
    kept(names, 'play.settings', settingsAggregate),
    kept(names, 'play.match', matchAggregate),
    kept(names, 'play.chore', choreAggregate),
    kept(names, 'play.completion', completionAggregate, true),
    kept(names, 'play.challenge', challengeAggregate),
    kept(names, 'play.reward', rewardAggregate, true),
    kept(names, 'home.inbox', inboxAggregate),
    kept(names, 'media.blob', blobAggregate),
    kept(names, 'media.album', albumAggregate),
    kept(names, 'media.settings', mediaSettingsAggregate),
    kept(names, 'media.rejection', rejectionAggregate),
    kept(names, 'media.avatar', avatarAggregate),
    kept(names, 'audit.refusal', refusalAggregate),
    kept(names, 'preferences.member', preferencesAggregate),
    kept(names, 'assistant.conversation', conversationAggregate),
    kept(names, 'assistant.settings', assistantSettingsAggregate),
    kept(names, 'assistant.prompts', promptsAggregate),
  ];
}

/** The aggregate type a subject belongs to, or undefined for a subject that is none. */
export function typeOfSubject(types: Kept[], subject: string): Kept | undefined {
  const tokens = subject.split('.');
  return types.find(
    (t) => t.pattern.length === tokens.length && t.pattern.every((p, i) => p === null || p === tokens[i]),
  );
}
