// People: everyone in the family with their role, status, last sign-in and level, and what an
// admin may do about each (change the role, ban or unban, see and end their sessions, erase
// their personal data on request). An erased member stays listed, with no name or email.
import { useEffect, useState } from 'react';
import type { AdminUser } from '../../../contracts/identity.api.ts';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { usePermissions } from '../identity/permissions.tsx';
import { setAvatarImage } from '../lib/avatars.ts';
import { usePageTitle } from '../lib/title.ts';
import { getInvites, getUsers, setRole, unban } from './api.ts';
import { Dialog } from './dialog.tsx';
import { EraseDialog } from './erase-dialog.tsx';
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
import { InvitedRow, useLevels, useRefresh } from './people-parts.tsx';
import { BanDialog, SessionsDialog } from './person-dialogs.tsx';

/** Banned now: a ban with an end that has passed no longer holds. */
export const bannedNow = (u: AdminUser) =>
  u.banned && (u.bannedUntil === null || Date.parse(u.bannedUntil) > Date.now());

/** How the console names someone: an erased member has no name any more. */
export const nameOf = (u: AdminUser) => (u.erasedAt ? 'Erased member' : u.name);

function statusOf(u: AdminUser): string {
  if (u.erasedAt) return `Personal data erased ${when(u.erasedAt)}`;
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
  const [erasing, setErasing] = useState<AdminUser | null>(null);

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
                  <tr
                    key={u.id}
                    className="border-t align-top"
                    data-testid="person-row"
                    data-user={u.id}
                    data-erased={u.erasedAt ? 'true' : undefined}
                  >
                    <th scope="row" className="py-2 pr-3 font-medium">
                      <div className="flex items-start gap-2">
                        <Avatar name={nameOf(u)} seed={u.id} className="size-7" />
                        <div className={u.erasedAt ? 'italic text-muted-foreground' : undefined}>
                          {nameOf(u)}
                          {u.id === me.id && <span className="text-muted-foreground"> (you)</span>}
                          <div className="text-xs font-normal text-muted-foreground">{u.email}</div>
                        </div>
                      </div>
                    </th>
                    <td className="py-2 pr-3">
                      {can('user.set-role') && u.id !== me.id && !u.erasedAt ? (
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
                        {can('session.list') && !u.erasedAt && (
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
                          !u.erasedAt &&
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
                        {can('user.delete') && u.id !== me.id && !u.erasedAt && (
                          <Button
                            variant="outline"
                            size="sm"
                            data-requires="user.delete"
                            onClick={() => setErasing(u)}
                          >
                            Erase personal data…<span className="sr-only"> of {u.name}</span>
                          </Button>
                        )}
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
      <EraseDialog
        person={erasing}
        family={users.data ?? []}
        onClose={() => setErasing(null)}
        onErased={async (u, seq) => {
          setErasing(null);
          await users.reload(seq);
          setNote(`${u.name}’s personal data is erased.`);
        }}
      />
    </div>
  );
}
