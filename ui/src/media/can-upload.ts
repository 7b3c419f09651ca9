// Whether this person may upload now: GET /media/status's can_upload (members and admins
// always, children when the family allows it). The chat's attach controls and "Change photo"
// are offered only then, so a child is never offered what the edge refuses. Asked once per
// person and role in this page; a failed ask is asked again next time.
import { useEffect, useState } from 'react';
import type { User } from '../identity/api.ts';
import { getStatus } from './api.ts';

let asked: { key: string; answer: Promise<boolean> } | null = null;

function canUploadNow(key: string): Promise<boolean> {
  if (asked?.key !== key) {
    const answer = getStatus().then(
      (s) => s.can_upload,
      () => {
        if (asked?.answer === answer) asked = null;
        return false;
      },
    );
    asked = { key, answer };
  }
  return asked.answer;
}

/** The family's settings changed: ask again. */
export function forgetCanUpload(): void {
  asked = null;
}

/** null until the edge has answered (the page marks when it has, as data-can-upload). */
export function useCanUpload(me: Pick<User, 'id' | 'role'>): boolean | null {
  const key = `${me.id}:${me.role ?? ''}`;
  const [can, setCan] = useState<{ key: string; can: boolean } | null>(null);
  useEffect(() => {
    let live = true;
    void canUploadNow(key).then((c) => {
      if (live) setCan({ key, can: c });
    });
    return () => {
      live = false;
    };
  }, [key]);
  return can?.key === key ? can.can : null;
}
