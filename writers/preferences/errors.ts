import { defineErrors } from '../../contracts/errors.ts';

export const preferencesErrors = defineErrors('preferences', {
  invalidTimeZone: { status: 400, message: 'Not a time zone.' },
});
