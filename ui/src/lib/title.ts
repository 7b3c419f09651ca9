// The tab's title names the page ("Chores · Play · Hearth"), with what is waiting in front of
// it when there is something: "(3) Family · Hearth".
import { useEffect } from 'react';

let page = '';
let waiting = 0;

function apply() {
  const name = page ? `${page} · Hearth` : 'Hearth';
  document.title = waiting > 0 ? `(${waiting}) ${name}` : name;
}

/** Each page names itself while it is shown. */
export function usePageTitle(name: string): void {
  useEffect(() => {
    page = name;
    apply();
    return () => {
      if (page === name) page = '';
      apply();
    };
  }, [name]);
}

/** Unread messages across channels, for the prefix. */
export function setWaiting(count: number): void {
  waiting = count;
  apply();
}

/** usePageTitle as an element, for a page that is only a branch of another's render. */
export function PageTitle({ name }: { name: string }): null {
  usePageTitle(name);
  return null;
}
