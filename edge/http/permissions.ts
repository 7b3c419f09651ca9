// What each role may do. The admin plugin's access control is built from these statements
// (edge/auth), and every route checks one of them; an unknown role is granted nothing.
export const statements = {
  // better-auth's admin plugin statements, kept whole so its own checks agree with ours.
  user: ['create', 'list', 'set-role', 'ban', 'impersonate', 'delete', 'set-password', 'get', 'update'],
  session: ['list', 'revoke', 'delete'],
  // Streams: read = their figures; inspect = decode their events and fold an aggregate back in time.
  stream: ['read', 'inspect'],
  readModel: ['read', 'rebuild'],
  deadLetter: ['read', 'resolve'],
  // The family's own settings: its name and who may sign up.
  family: ['manage'],
  // Chat: moderate = delete anyone's message, archive or change any channel.
  chat: ['read', 'write', 'create', 'moderate'],
  // Play: play = report and confirm matches, mark chores done; manage = rules, settings,
  // challenges, chores, approvals, voiding matches.
  play: ['read', 'play', 'manage'],
  // Media: read = see and download the family's files; upload = upload, make albums and add to
  // them; manage = the family's media settings, deleting anyone's file.
  media: ['read', 'upload', 'manage'],
  // The audit log: read = the viewer, its exports, the retention, verifying the chain;
  // checkpoint = sign a checkpoint of every stream now. Admins only.
  audit: ['read', 'checkpoint'],
  // Integrators: API keys (the event feed) and webhooks. Admins only.
  integration: ['manage'],
  // Each member's own preferences (theme, language, assistant…): everyone keeps their own.
  preferences: ['manage'],
  // The family assistant: use = ask it (the models and quotas the admins set apply); manage =
  // its settings, the children's transcripts, the usage. Admins manage.
  assistant: ['use', 'manage'],
} as const;

export type Statements = typeof statements;

export const grants = {
  admin: statements,
  member: {
    chat: ['read', 'write', 'create'],
    play: ['read', 'play'],
    media: ['read', 'upload'],
    preferences: ['manage'],
    assistant: ['use'],
  },
  // Children upload only when the family's media settings allow it (checked by the route).
  child: {
    chat: ['read', 'write'],
    play: ['read', 'play'],
    media: ['read'],
    preferences: ['manage'],
    assistant: ['use'],
  },
} satisfies Record<string, Partial<{ [K in keyof Statements]: readonly Statements[K][number][] }>>;

export const PERMISSIONS = {
  listUsers: { user: ['list'] },
  setRole: { user: ['set-role'] },
  banUser: { user: ['ban'] },
  listSessions: { session: ['list'] },
  revokeSessions: { session: ['revoke'] },
  readStreams: { stream: ['read'] },
  inspectStreams: { stream: ['inspect'] },
  readReadModels: { readModel: ['read'] },
  rebuildReadModels: { readModel: ['rebuild'] },
  readDeadLetters: { deadLetter: ['read'] },
  resolveDeadLetters: { deadLetter: ['resolve'] },
  manageFamily: { family: ['manage'] },
  /** Erasing a member's personal data on request: admins only. */
  eraseMember: { user: ['delete'] },
  /** Integrators' API keys and webhooks (their deliveries too): admins only. */
  manageIntegrations: { integration: ['manage'] },
} as const;

/** What the family does in chat; only moderate is admin-like. */
export const CHAT_PERMISSIONS = {
  read: { chat: ['read'] },
  write: { chat: ['write'] },
  createChannels: { chat: ['create'] },
  moderate: { chat: ['moderate'] },
} as const;

/** Everyone plays; only admins manage (children cannot approve chores or create challenges). */
export const PLAY_PERMISSIONS = {
  read: { play: ['read'] },
  play: { play: ['play'] },
  manage: { play: ['manage'] },
} as const;

/** Everyone sees the family's files; children upload only when the family allows it. */
export const MEDIA_PERMISSIONS = {
  read: { media: ['read'] },
  upload: { media: ['upload'] },
  manage: { media: ['manage'] },
} as const;

/**
 * Everyone keeps their own preferences; the muted kinds of notification among them are home's
 * settings, and change only with what PUT /notifications/settings asks (chat's read).
 */
export const PREFERENCES_PERMISSIONS = {
  manage: { preferences: ['manage'] },
} as const;

/** The audit log is the admins' alone. */
export const AUDIT_PERMISSIONS = {
  read: { audit: ['read'] },
  checkpoint: { audit: ['checkpoint'] },
} as const;

/** Every member asks the assistant; admins manage it and read the children's transcripts. */
export const ASSISTANT_PERMISSIONS = {
  use: { assistant: ['use'] },
  manage: { assistant: ['manage'] },
} as const;
