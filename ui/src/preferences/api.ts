// The preferences API, typed from the server's contracts (contracts/preferences.api.ts).
import type { PreferencesAnswer } from '../../../contracts/preferences.api.ts';
import type { PreferencesPatchBody } from '../../../contracts/preferences.schema.ts';
import { api } from '../lib/http.ts';

export const getPreferences = () => api<PreferencesAnswer>('/api/v1/me/preferences');
export const patchPreferences = (body: PreferencesPatchBody) =>
  api<PreferencesAnswer>('/api/v1/me/preferences', { method: 'PATCH', body });
