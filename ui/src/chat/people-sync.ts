// Keeps the page's names current: loaded at start, and again (at most every few seconds)
// whenever a frame names someone the page does not know yet, such as a new family member.
import type { Person } from '../identity/people.ts';

const EVERY_MS = 3_000;

export function createPeopleSync({
  me,
  load,
  known,
  apply,
}: {
  me: string;
  load: () => Promise<Person[]>;
  known: (id: string) => boolean;
  apply: (people: Record<string, Person>) => void;
}) {
  let askedAt = 0;
  let later: ReturnType<typeof setTimeout> | undefined;

  async function refresh() {
    askedAt = Date.now();
    try {
      const people: Record<string, Person> = {};
      for (const p of await load()) people[p.id] = p;
      apply(people);
    } catch {
      // Names are a nicety: the chat works without them and the next refresh tries again.
    }
  }

  return {
    refresh,
    learnAbout(id: string | undefined) {
      if (!id || id === me || known(id) || later) return;
      const wait = askedAt + EVERY_MS - Date.now();
      if (wait <= 0) return void refresh();
      later = setTimeout(() => {
        later = undefined;
        void refresh();
      }, wait);
    },
    stop: () => clearTimeout(later),
  };
}
