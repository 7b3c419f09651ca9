// "Is typing" for the channel being written in: sent on the first keystroke, repeated while
// the typing goes on (receivers forget it after a few seconds), and ended after a pause, on
// send, or on leaving the channel.
const REPEAT_MS = 3_000;
const IDLE_MS = 4_000;

export function createTyping({ send }: { send: (channel: string, typing: boolean) => void }) {
  let channel: string | null = null;
  let lastSent = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;

  const stopIn = (id: string) => {
    if (channel !== id) return;
    clearTimeout(idle);
    channel = null;
    lastSent = 0;
    send(id, false);
  };

  return {
    keystroke(id: string) {
      if (channel && channel !== id) stopIn(channel);
      channel = id;
      const now = Date.now();
      if (now - lastSent >= REPEAT_MS) {
        lastSent = now;
        send(id, true);
      }
      clearTimeout(idle);
      idle = setTimeout(() => stopIn(id), IDLE_MS);
    },
    stopIn,
    stop() {
      if (channel) stopIn(channel);
    },
  };
}
