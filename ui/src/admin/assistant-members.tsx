// The members' names on the assistant's screens: loaded once per screen, and when they cannot
// be had a notice says why everyone shows as "A member", with a way to ask again.
import { getMembers } from './assistant-api.ts';
import { LoadError, useLoad } from './parts.tsx';

/** `named`: the names arrived or could not be had, so a screen can show its rows without relabelling them. */
export function useMembers() {
  const members = useLoad(getMembers);
  return { members, named: members.data !== null || members.error !== null };
}

export function NamesError({ members }: { members: ReturnType<typeof useMembers>['members'] }) {
  if (!members.error || members.data) return null;
  return (
    <LoadError
      message={`The members’ names could not be loaded, so each shows as “A member”. ${members.error}`}
      onRetry={() => void members.reload()}
    />
  );
}
