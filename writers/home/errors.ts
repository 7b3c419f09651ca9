import { defineErrors } from '../../contracts/errors.ts';

export const homeErrors = defineErrors('home', {
  invalidKind: { status: 400, message: 'Not a kind of notification.' },
});
