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
