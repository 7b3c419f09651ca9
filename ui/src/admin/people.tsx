// People: everyone in the family with their role, status, last sign-in and level, and what an
// admin may do about each (change the role, ban or unban, see and end their sessions).
import { useEffect, useState } from 'react';
import type { AdminInvite, AdminUser } from '../../../contracts/identity.api.ts';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { usePermissions } from '../identity/permissions.tsx';
import { setAvatarImage } from '../lib/avatars.ts';
import { usePageTitle } from '../lib/title.ts';
import { getInvites, getLevel, getUsers, setRole, unban } from './api.ts';
import { Dialog } from './dialog.tsx';
import { InvitesSection } from './invites.tsx';
import {
  ErrorText,
  LoadError,
  Loading,
  roleLabel,
  Section,
  selectClass,
  useAction,
  useLoad,
  when,
} from './parts.tsx';
import { BanDialog, SessionsDialog } from './person-dialogs.tsx';

/** Banned now: a ban with an end that has passed no longer holds. */
export const bannedNow = (u: AdminUser) =>
  u.banned && (u.bannedUntil === null || Date.parse(u.bannedUntil) > Date.now());

function statusOf(u: AdminUser): string {
  if (!bannedNow(u)) return 'Active';
  return u.bannedUntil ? `Banned until ${when(u.bannedUntil)}` : 'Banned';
}

export function PeopleScreen({ me }: { me: User }) {
  usePageTitle('People · Family console');
  const { can } = usePermissions();
  const users = useLoad(getUsers);
  // The console's own list is the freshest word on each picture (banned members included).
  useEffect(() => {
    for (const u of users.data ?? []) setAvatarImage(u.id, u.image);
  }, [users.data]);
  const invites = useLoad(getInvites);
  const levels = useLevels(users.data, can('play.read'));
  useRefresh(users.reload, invites.reload);
  const action = useAction();
  const [note, setNote] = useState('');
  const [makingAdmin, setMakingAdmin] = useState<AdminUser | null>(null);
  const [banning, setBanning] = useState<AdminUser | null>(null);
  const [sessionsOf, setSessionsOf] = useState<AdminUser | null>(null);

  const changeRole = async (u: AdminUser, role: string) => {
    const done = await action.run('role', () => setRole(u.id, role));
    if (!done) return;
    await users.reload(done.seq);
    setNote(`${u.name} is now ${roleLabel(role).toLowerCase()}.`);
  };
  const lift = async (u: AdminUser) => {
    const done = await action.run('unban', () => unban(u.id));
    if (!done) return;
    await users.reload(done.seq);
    setNote(`${u.name} is no longer banned.`);
  };

  const pending = (invites.data ?? []).filter((i) => i.status === 'active');
  return (
    <div className="flex flex-col gap-4">
      <Section
        title="People"
        description="Everyone in the family, and anyone invited who has not joined yet."
      >
        <p role="status" className="mb-2 text-sm empty:hidden" data-testid="people-note">
          {note}
        </p>
        <ErrorText message={action.error} />
        {users.error && !users.data && (
          <LoadError message={users.error} onRetry={() => void users.reload()} />
        )}
        {!users.data && !users.error && <Loading what="the family" />}
        {users.data && (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-muted-foreground">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Role
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Status
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Last signed in
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Level
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id} className="border-t align-top" data-testid="person-row" data-user={u.id}>
                    <th scope="row" className="py-2 pr-3 font-medium">
                      <div className="flex items-start gap-2">
                        <Avatar name={u.name} seed={u.id} className="size-7" />
                        <div>
                          {u.name}
                          {u.id === me.id && <span className="text-muted-foreground"> (you)</span>}
                          <div className="text-xs font-normal text-muted-foreground">{u.email}</div>
                        </div>
                      </div>
                    </th>
                    <td className="py-2 pr-3">
                      {can('user.set-role') && u.id !== me.id ? (
                        <select
                          aria-label={`Role of ${u.name}`}
                          data-requires="user.set-role"
                          className={selectClass()}
                          value={u.role}
                          disabled={action.busy !== null}
                          onChange={(e) => {
                            const role = e.target.value;
                            if (role === 'admin') setMakingAdmin(u);
                            else void changeRole(u, role);
                          }}
                        >
                          <option value="admin">Admin</option>
                          <option value="member">Member</option>
                          <option value="child">Child</option>
                        </select>
                      ) : (
                        roleLabel(u.role)
                      )}
                    </td>
                    <td className="py-2 pr-3" data-testid="person-status">
                      {statusOf(u)}
                      {bannedNow(u) && u.banReason && (
                        <div className="text-xs text-muted-foreground">Reason: {u.banReason}</div>
                      )}
                    </td>
                    <td className="py-2 pr-3">{when(u.lastSignInAt)}</td>
                    <td className="py-2 pr-3">{levels.get(u.id) ?? '—'}</td>
                    <td className="py-2">
                      <div className="flex flex-wrap justify-end gap-1">
                        {can('session.list') && (
                          <Button
                            variant="outline"
                            size="sm"
                            data-requires="session.list"
                            onClick={() => setSessionsOf(u)}
                          >
                            Sessions<span className="sr-only"> of {u.name}</span>
                          </Button>
                        )}
                        {can('user.ban') &&
                          u.id !== me.id &&
                          (bannedNow(u) ? (
                            <Button
                              variant="outline"
                              size="sm"
                              data-requires="user.ban"
                              disabled={action.busy !== null}
                              onClick={() => void lift(u)}
                            >
                              Unban<span className="sr-only"> {u.name}</span>
                            </Button>
                          ) : (
                            <Button
                              variant="outline"
                              size="sm"
                              data-requires="user.ban"
                              onClick={() => setBanning(u)}
                            >
                              Ban<span className="sr-only"> {u.name}</span>
                            </Button>
                          ))}
                      </div>
                    </td>
                  </tr>
                ))}
                {pending.map((i) => (
                  <InvitedRow key={i.id} invite={i} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {can('user.create') && <InvitesSection invites={invites} />}

      <Dialog
        open={makingAdmin !== null}
        title={`Make ${makingAdmin?.name ?? ''} an admin?`}
        description="An admin can invite and ban people, change anyone’s role, and change the family’s settings and rules."
        onClose={() => setMakingAdmin(null)}
        actions={
          <Button
            data-requires="user.set-role"
            disabled={action.busy !== null}
            onClick={async () => {
              const u = makingAdmin;
              setMakingAdmin(null);
              if (u) await changeRole(u, 'admin');
            }}
          >
            Make admin
          </Button>
        }
      />
      <BanDialog
        person={banning}
        onClose={() => setBanning(null)}
        onBanned={async (u, seq) => {
          setBanning(null);
          await users.reload(seq);
          setNote(`${u.name} is banned.`);
        }}
      />
      <SessionsDialog person={sessionsOf} onClose={() => setSessionsOf(null)} />
    </div>
  );
}

function InvitedRow({ invite }: { invite: AdminInvite }) {
  return (
    <tr className="border-t align-top text-muted-foreground" data-testid="invited-row">
      <th scope="row" className="py-2 pr-3 font-normal italic">
        Someone invited
      </th>
      <td className="py-2 pr-3">{roleLabel(invite.role)}</td>
      <td className="py-2 pr-3">Invited, link valid until {when(invite.expiresAt)}</td>
      <td className="py-2 pr-3">—</td>
      <td className="py-2 pr-3">—</td>
      <td className="py-2" />
    </tr>
  );
}

const REFRESH_MS = 3000;

/** Someone may join through a link while the admin watches: look again every few seconds. */
function useRefresh(...reloads: (() => Promise<void>)[]) {
  const [first, second] = reloads;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void first?.();
      void second?.();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [first, second]);
}

/** Each person's level from play, when the caller may read play (asked again when someone joins). */
function useLevels(users: AdminUser[] | null, allowed: boolean): Map<string, number> {
  const [levels, setLevels] = useState(new Map<string, number>());
  const ids = users?.map((u) => u.id).join(',') ?? '';
  useEffect(() => {
    if (!ids || !allowed) return;
    let live = true;
    void Promise.all(ids.split(',').map(async (id) => [id, await getLevel(id)] as const)).then((pairs) => {
      if (!live) return;
      const next = new Map<string, number>();
      for (const [id, level] of pairs) if (level !== null) next.set(id, level);
      setLevels(next);
    });
    return () => {
      live = false;
    };
  }, [ids, allowed]);
  return levels;
}
