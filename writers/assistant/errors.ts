import { defineErrors } from '../../contracts/errors.ts';

export const assistantErrors = defineErrors('assistant', {
  notYours: { status: 404, message: 'No such conversation.' },
  turnTaken: {
    status: 409,
    message: 'Another prompt was just asked in this conversation. Reload it, then ask again.',
  },
  noTurnPending: { status: 409, message: 'This conversation has no prompt waiting for an answer.' },
  notConfigured: {
    status: 503,
    message:
      'No model server is configured. An admin sets OLLAMA_URL to an Ollama server (for example http://ollama:11434; with Docker Compose, put it in .env and start the "full" profile).',
  },
  upstreamDown: {
    status: 503,
    message: 'The model server cannot be reached. Check that it is running at OLLAMA_URL, then try again.',
  },
  upstreamTimeout: { status: 503, message: 'The model server did not answer in time. Try again later.' },
  upstreamRefused: { status: 422, message: 'The model server refused the request.' },
  modelRefused: { status: 403, message: 'This model is not allowed for you.' },
  overQuota: { status: 429, message: 'Your assistant quota is used up.' },
  noSuchPrompt: { status: 404, message: 'No such system prompt.' },
  tooManyPrompts: {
    status: 409,
    message: 'The family has as many system prompts as it may keep. Remove one, then create another.',
  },
  tooLarge: { status: 413, message: 'The prompt is too long.' },
});
