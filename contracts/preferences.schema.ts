// Each member's own preferences: the body of PATCH /api/v1/me/preferences. Every field is
// optional (only those sent change); the lists below are what the UI offers.
import type { JSONSchemaType } from 'ajv';
import { NOTIFICATION_KINDS, type NotificationKind } from './home.schema.ts';

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

/** The languages the UI offers, as BCP-47 tags, with their own names. */
export const LANGUAGES = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  it: 'Italiano',
  nl: 'Nederlands',
  pt: 'Português',
  pl: 'Polski',
  sv: 'Svenska',
  tr: 'Türkçe',
  uk: 'Українська',
  ja: '日本語',
  'zh-Hans': '中文（简体）',
} as const;
export type Language = keyof typeof LANGUAGES;
export const LANGUAGE_TAGS = Object.keys(LANGUAGES) as Language[];

export const MAX_TIME_ZONE = 64;
export const MAX_ASSISTANT_MODEL = 100;
export const MAX_ASSISTANT_PROMPT = 4000;

/** The shape of an IANA zone name; that it exists is the decider's check (Intl's list). */
export const TIME_ZONE_PATTERN = '^([A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2})?$';

export type PreferencesPatchBody = {
  theme?: Theme;
  language?: Language;
  /** An IANA zone, or '' for the browser's own. */
  time_zone?: string;
  /** '' for the hub's default. */
  assistant_model?: string;
  assistant_prompt?: string;
  /** The kinds of notification not wanted (home's settings: the whole new list). */
  muted_notifications?: NotificationKind[];
};

export const preferencesPatchBody: JSONSchemaType<PreferencesPatchBody> = {
  type: 'object',
  properties: {
    theme: { type: 'string', enum: [...THEMES], nullable: true },
    language: { type: 'string', enum: [...LANGUAGE_TAGS], nullable: true },
    time_zone: { type: 'string', maxLength: MAX_TIME_ZONE, pattern: TIME_ZONE_PATTERN, nullable: true },
    assistant_model: { type: 'string', maxLength: MAX_ASSISTANT_MODEL, nullable: true },
    assistant_prompt: { type: 'string', maxLength: MAX_ASSISTANT_PROMPT, nullable: true },
    muted_notifications: {
      type: 'array',
      items: { type: 'string', enum: [...NOTIFICATION_KINDS] },
      maxItems: NOTIFICATION_KINDS.length,
      uniqueItems: true,
      nullable: true,
    },
  },
  minProperties: 1,
  additionalProperties: false,
};
