// The runner's waits between attempts. Each leaves nothing on the signal it was given: the
// runner's one signal outlives thousands of them (a database away for an hour is 3,600 retries
// per read model), and a listener left behind by each would pile up on it.

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts (then `onAbort`
 * runs first); the work itself goes on, and the listener is removed once either settles.
 */
export function abortable<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const stop = () => {
      onAbort();
      reject(signal.reason ?? new Error('aborted'));
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
