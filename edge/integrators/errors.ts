import { defineErrors } from '../../contracts/errors.ts';

export const integratorErrors = defineErrors('integrators', {
  keyRequired: { status: 401, message: 'Send an API key: Authorization: Bearer hk_…' },
  keyInvalid: { status: 401, message: 'This API key is unknown, revoked or expired.' },
  scopeDenied: { status: 403, message: 'This API key may not read these subjects.' },
  subjectsInvalid: {
    status: 400,
    message: 'Name up to 8 subject filters of one domain, comma-separated (e.g. hearth.chat.>).',
  },
  lastEventIdInvalid: { status: 400, message: 'Last-Event-ID is "<stream>/<seq>" of this feed’s stream.' },
  webhookUrlInvalid: {
    status: 400,
    message: 'A webhook’s URL is http:// or https://, without a user name or password.',
  },
  webhookSubjectInvalid: {
    status: 400,
    message: 'Each of a webhook’s subjects is one filter, without commas: give several as several items.',
  },
  deliveryNotFound: { status: 404, message: 'No dead delivery has this id.' },
  tooManyFeeds: { status: 429, message: 'Too many feeds are open; close one first.' },
});
