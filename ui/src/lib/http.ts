// The one way the SPA calls the edge: same origin, cookies included, JSON both ways. Errors
// arrive as Hearth's envelope { error, code } or better-auth's { message, code }.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** What the edge adds, such as the failing field ({ field: 'rules.xp.8.id' }). */
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Envelope = { error?: unknown; message?: unknown; code?: unknown; details?: unknown };

async function toError(res: Response): Promise<ApiError> {
  let body: Envelope = {};
  try {
    body = (await res.json()) as Envelope;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const message =
    (typeof body.error === 'string' && body.error) ||
    (typeof body.message === 'string' && body.message) ||
    (res.status >= 500 ? 'Hearth could not do that just now. Try again in a moment.' : res.statusText);
  const code = typeof body.code === 'string' ? body.code : `http_${res.status}`;
  const details =
    body.details && typeof body.details === 'object' ? (body.details as Record<string, unknown>) : undefined;
  return new ApiError(res.status, code, message, details);
}

/** Dispatched on window whenever the edge answers 403. */
export const REFUSED_EVENT = 'hearth:refused';

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    ...(init.signal && { signal: init.signal }),
  });
  if (!res.ok) {
    // A refusal means the page's idea of what this person may do is out of date (a role
    // changed while the socket was away): whoever keeps it asks again.
    if (res.status === 403) window.dispatchEvent(new Event(REFUSED_EVENT));
    throw await toError(res);
  }
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return 'Hearth cannot be reached. Check the connection and try again.';
  return err instanceof Error ? err.message : String(err);
}
