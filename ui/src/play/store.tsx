// Play's state on the page: a version that moves whenever scores may have changed (a live
// push, a command of ours, a reconnect, the tab coming back), the newest sequence a command
// of ours produced (reads wait for it), and the toasts for the signed-in person.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type { Accepted } from '../../../contracts/play.api.ts';
import type { PlayFrame } from '../../../contracts/play.frames.ts';
import { errorMessage } from '../lib/http.ts';
import { useLive } from '../socket/live.tsx';
import { parsePlayFrame } from './frames.ts';

export type Toast = { id: number; kind: 'level' | 'achievement'; title: string; body: string };

export type PlayStore = ReturnType<typeof createPlayStore>;

export function createPlayStore(me: string) {
  let version = 0;
  let after = 0;
  let toasts: Toast[] = [];
  let nextToast = 1;
  const listeners = new Set<() => void>();
  const emit = () => {
    for (const l of listeners) l();
  };

  // Each toast times itself out where it is shown (toasts.tsx), pausing while it is hovered
  // or focused: a timer kept here was cleared with the socket listener and left it up for good.
  const dismiss = (id: number) => {
    if (!toasts.some((t) => t.id === id)) return;
    toasts = toasts.filter((t) => t.id !== id);
    emit();
  };

  const toast = (t: Omit<Toast, 'id'>) => {
    const id = nextToast++;
    toasts = [...toasts.slice(-3), { ...t, id }];
    emit();
  };

  return {
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    version: () => version,
    /** The newest sequence of a command sent from this page: reads include its effect. */
    after: () => (after > 0 ? after : undefined),
    toasts: () => toasts,
    /** Something may have changed: every play screen on show reads again. */
    changed(seq?: number) {
      if (seq && seq > after) after = seq;
      version++;
      emit();
    },
    frame(frame: PlayFrame) {
      if (frame.event === 'level_up' && frame.user_id === me)
        toast({ kind: 'level', title: 'Level up!', body: `You reached level ${frame.level}.` });
      if (frame.event === 'achievement' && frame.user_id === me)
        toast({ kind: 'achievement', title: 'Achievement unlocked', body: frame.title });
      this.changed();
    },
    dismiss,
  };
}

const PlayContext = createContext<PlayStore | null>(null);

/** Play for one signed-in page: listens on the page's socket for play's pushes. */
export function PlayProvider({ me, children }: { me: string; children: ReactNode }) {
  const live = useLive();
  const [store] = useState(() => createPlayStore(me));

  useEffect(() => {
    const off = live.onOtherFrame((data) => {
      const frame = parsePlayFrame(data);
      if (frame) store.frame(frame);
    });
    // Pushes missed while offline: read again once the socket is back.
    let status = live.status();
    const offStatus = live.subscribe(() => {
      const now = live.status();
      if (now === 'online' && status === 'offline') store.changed();
      status = now;
    });
    const visible = () => {
      if (document.visibilityState === 'visible') store.changed();
    };
    document.addEventListener('visibilitychange', visible);
    return () => {
      off();
      offStatus();
      document.removeEventListener('visibilitychange', visible);
    };
  }, [live, store]);

  return <PlayContext.Provider value={store}>{children}</PlayContext.Provider>;
}

export function usePlay(): PlayStore {
  const store = useContext(PlayContext);
  if (!store) throw new Error('usePlay outside PlayProvider');
  return store;
}

export function useToasts(): Toast[] {
  const store = usePlay();
  return useSyncExternalStore(store.subscribe, store.toasts);
}

export type Loaded<T> = {
  data: T | undefined;
  error: string | null;
  /** Read again now (the error view's "Try again"). */
  reload: () => void;
};

/**
 * Data for a play screen: read when shown, and again whenever play changes. What was shown
 * stays while the next read is under way; `key` names what is read (another member's
 * profile is another key, and shows nothing stale while it loads).
 */
export function usePlayData<T>(
  key: string,
  load: (after?: number) => Promise<T>,
  { everyMs }: { everyMs?: number } = {},
): Loaded<T> {
  const store = usePlay();
  const version = useSyncExternalStore(store.subscribe, store.version);
  // What no push announces (a report waiting for me, a chore waiting for approval) shows
  // up within this long while the screen is open.
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!everyMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  const loader = useRef(load);
  loader.current = load;
  const [state, setState] = useState<{ key: string; data?: T; error: string | null }>({
    key,
    error: null,
  });

  useEffect(() => {
    let live = true;
    void version;
    void tick;
    loader.current(store.after()).then(
      (data) => {
        if (live) setState({ key, data, error: null });
      },
      (err: unknown) => {
        if (live)
          setState((s) =>
            s.key === key ? { ...s, error: errorMessage(err) } : { key, error: errorMessage(err) },
          );
      },
    );
    return () => {
      live = false;
    };
  }, [key, version, tick, store]);

  const reload = useCallback(() => store.changed(), [store]);
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : null, reload };
}

/** A command from a screen: busy while it runs, its error if refused, then every screen reads again. */
export function useCommand() {
  const store = usePlay();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; err: unknown } | null>(null);

  const run = useCallback(
    async (name: string, command: () => Promise<Accepted>): Promise<Accepted | null> => {
      setBusy(name);
      setError(null);
      try {
        const result = await command();
        store.changed(result.seq);
        return result;
      } catch (err) {
        setError({ message: errorMessage(err), err });
        return null;
      } finally {
        setBusy(null);
      }
    },
    [store],
  );
  return { run, busy, error, clearError: () => setError(null) };
}
