// The subject catalogue. Subjects name aggregates: hearth.<domain>.<aggregate>.<id>[.<part>].
// A namespace prefix isolates a whole deployment (or one test file) on a shared server.

import { commonErrors } from './errors.ts';

export const DOMAINS = [
  'identity',
  'chat',
  'play',
  'home',
  'media',
  'audit',
  'preferences',
  'assistant',
] as const;
export type Domain = (typeof DOMAINS)[number];

export type Names = {
  /** Stream holding one domain's events, e.g. IDENTITY. */
  stream: (domain: Domain) => string;
  /** Every subject of one domain, e.g. hearth.identity.> */
  domainFilter: (domain: Domain) => string;
  /** Core NATS subjects for ephemeral signals (presence, typing): never stored. */
  ephemeral: (...tokens: string[]) => string;
  kvBucket: (name: string) => string;
  identity: {
    /** One account: registered, role, ban, profile, erasure (optimistic concurrency: decisions read it). */
    account: (userId: string) => string;
    /** One person's sign-in facts: signed in, failed, signed out, revoked (they only accumulate). */
    sessions: (userId: string) => string;
    /** One invite: created, used, revoked (optimistic concurrency on its uses). */
    invite: (inviteId: string) => string;
    /** The family itself: its name and sign-up policy (optimistic concurrency). */
    family: () => string;
    /** One integrator's API key: issued, revoked (optimistic concurrency). */
    apiKey: (keyId: string) => string;
    /** One integrator's webhook: registered, changed, removed (optimistic concurrency). */
    webhook: (webhookId: string) => string;
  };
  chat: {
    /** The channel aggregate: membership and archival (optimistic concurrency). */
    members: (channelId: string) => string;
    /** One message: posted, edited, deleted, reactions. */
    message: (channelId: string, messageId: string) => string;
    /** One person's read watermark in a channel. */
    read: (channelId: string, userId: string) => string;
    /** Every message subject of one channel (for backfill). */
    channelMessages: (channelId: string) => string;
    /** Everything about one channel, in order. */
    channel: (channelId: string) => string;
    /** One member's erasure, written once on this stream so its read models blank their data (personal.proto). */
    erasure: (memberId: string) => string;
  };
  assistant: {
    /** One member's conversation with the assistant: prompts and answers, in turn. */
    conversation: (conversationId: string) => string;
    /** The admins' settings: the models each role may ask for, each member's quota (optimistic concurrency). */
    settings: () => string;
    /** The admins' named, versioned system prompts and the one every child's conversation gets (optimistic concurrency). */
    prompts: () => string;
    /** One member's erasure, written once on this stream so its read models blank their data (personal.proto). */
    erasure: (memberId: string) => string;
  };
  play: {
    /** The rule set: XP, achievements, Elo K-factors (optimistic concurrency on its version). */
    rules: () => string;
    /** Family time zone and who is hidden from boards. */
    settings: () => string;
    /** One match: reported, confirmed, settled, rejected or voided (optimistic concurrency). */
    match: (matchId: string) => string;
    /** One chore as an admin defined it, until retired. */
    chore: (choreId: string) => string;
    /** One time a member did a chore, for one period: marked done, approved or rejected. */
    completion: (choreId: string, completionId: string) => string;
    /** One weekly challenge: created, cancelled, completed. */
    challenge: (challengeId: string) => string;
    /** One member's reward for one challenge: at most one event ever. */
    reward: (challengeId: string, memberId: string) => string;
    /** One member's erasure, written once on this stream so its read models blank their data (personal.proto). */
    erasure: (memberId: string) => string;
  };
  home: {
    /** One member's notification centre: what they read, which kinds they want. */
    inbox: (memberId: string) => string;
  };
  media: {
    /** Every upload and deletion of the same bytes, and their storage key (optimistic concurrency). */
    blob: (sha256: string) => string;
    /** One album: created, files added and removed. */
    album: (albumId: string) => string;
    /** The family's media settings: who may upload, whether originals keep their location. */
    settings: () => string;
    /** One refused upload, for the audit log. */
    rejection: (rejectionId: string) => string;
    /** One member's erasure, written once on this stream so its read models blank their data (personal.proto). */
    erasure: (memberId: string) => string;
    /** One member's avatar. */
    avatar: (memberId: string) => string;
  };
  audit: {
    /** Refused attempts of one actor, kind and action within one minute (coalesced). */
    refusal: (refusalId: string) => string;
    /** The signed checkpoints of one stream's hash chain (the stream's name, e.g. CHAT). */
    chain: (stream: string) => string;
    /** Uses of one API key within one minute (coalesced). */
    keyUse: (useId: string) => string;
  };
  preferences: {
    /** One member's own preferences: theme, language, time zone, assistant (optimistic concurrency). */
    member: (memberId: string) => string;
    /** One member's erasure, written once on this stream so its read models blank their data (personal.proto). */
    erasure: (memberId: string) => string;
  };
};

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** Guards subject tokens: a dot or wildcard in an id would address another aggregate. */
export function token(value: string): string {
  if (!TOKEN.test(value)) throw commonErrors.invalidRequest('Not a valid id.', { field: 'id' });
  return value;
}

export function createNames(prefix = ''): Names {
  if (prefix && !/^[a-z0-9]{1,32}$/.test(prefix)) throw new Error('namespace prefix must be [a-z0-9]{1,32}');
  const root = prefix ? `${prefix}.hearth` : 'hearth';
  const upper = prefix ? `${prefix.toUpperCase()}_` : '';
  return {
    stream: (domain) => `${upper}${domain.toUpperCase()}`,
    domainFilter: (domain) => `${root}.${domain}.>`,
    ephemeral: (...tokens) => `${prefix ? `${prefix}.` : ''}hearth-live.${tokens.map(token).join('.')}`,
    kvBucket: (name) => `${upper}hearth_${name}`,
    identity: {
      account: (userId) => `${root}.identity.user.${token(userId)}.account`,
      sessions: (userId) => `${root}.identity.user.${token(userId)}.sessions`,
      invite: (inviteId) => `${root}.identity.invite.${token(inviteId)}`,
      family: () => `${root}.identity.family`,
      apiKey: (keyId) => `${root}.identity.apikey.${token(keyId)}`,
      webhook: (webhookId) => `${root}.identity.webhook.${token(webhookId)}`,
    },
    chat: {
      members: (channelId) => `${root}.chat.channel.${token(channelId)}.members`,
      message: (channelId, messageId) =>
        `${root}.chat.channel.${token(channelId)}.message.${token(messageId)}`,
      read: (channelId, userId) => `${root}.chat.channel.${token(channelId)}.read.${token(userId)}`,
      channelMessages: (channelId) => `${root}.chat.channel.${token(channelId)}.message.*`,
      channel: (channelId) => `${root}.chat.channel.${token(channelId)}.>`,
      erasure: (memberId) => `${root}.chat.erasure.${token(memberId)}`,
    },
    play: {
      rules: () => `${root}.play.rules`,
      settings: () => `${root}.play.settings`,
      match: (matchId) => `${root}.play.match.${token(matchId)}`,
      chore: (choreId) => `${root}.play.chore.${token(choreId)}`,
      completion: (choreId, completionId) =>
        `${root}.play.chore.${token(choreId)}.done.${token(completionId)}`,
      challenge: (challengeId) => `${root}.play.challenge.${token(challengeId)}`,
      reward: (challengeId, memberId) =>
        `${root}.play.challenge.${token(challengeId)}.reward.${token(memberId)}`,
      erasure: (memberId) => `${root}.play.erasure.${token(memberId)}`,
    },
    home: {
      inbox: (memberId) => `${root}.home.member.${token(memberId)}.inbox`,
    },
    media: {
      blob: (sha256) => `${root}.media.blob.${token(sha256)}`,
      album: (albumId) => `${root}.media.album.${token(albumId)}`,
      settings: () => `${root}.media.settings`,
      rejection: (rejectionId) => `${root}.media.rejection.${token(rejectionId)}`,
      erasure: (memberId) => `${root}.media.erasure.${token(memberId)}`,
      avatar: (memberId) => `${root}.media.member.${token(memberId)}.avatar`,
    },
    audit: {
      refusal: (refusalId) => `${root}.audit.refusal.${token(refusalId)}`,
      chain: (stream) => `${root}.audit.chain.${token(stream)}`,
      keyUse: (useId) => `${root}.audit.keyuse.${token(useId)}`,
    },
    preferences: {
      member: (memberId) => `${root}.preferences.member.${token(memberId)}`,
      erasure: (memberId) => `${root}.preferences.erasure.${token(memberId)}`,
    },
    assistant: {
      conversation: (conversationId) => `${root}.assistant.conversation.${token(conversationId)}`,
      settings: () => `${root}.assistant.settings`,
      prompts: () => `${root}.assistant.prompts`,
      erasure: (memberId) => `${root}.assistant.erasure.${token(memberId)}`,
    },
  };
}

/** NATS subject matching: `*` one token, `>` one or more at the end. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}
