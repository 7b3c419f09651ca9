// Invites: make a link for someone to join with a role (shown once, to copy), and see and
// withdraw the links made before.
import { type FormEvent, useId, useRef, useState } from 'react';
import type { AdminInvite, InviteMade } from '../../../contracts/identity.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { createInvite, revokeInvite } from './api.ts';
import {
  Empty,
  ErrorText,
  LoadError,
  Loading,
  roleLabel,
  Section,
  selectClass,
  useAction,
  when,
} from './parts.tsx';

const EXPIRIES = [
  { value: '1d', label: '1 day' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
];

const STATUS: Record<AdminInvite['status'], string> = {
  active: 'Waiting',
  expired: 'Expired',
  used_up: 'Used',
  revoked: 'Withdrawn',
};

type Invites = {
  data: AdminInvite[] | null;
  error: string | null;
  reload: (seq?: number) => Promise<void>;
};

export function InvitesSection({ invites }: { invites: Invites }) {
  const id = useId();
  const [role, setRole] = useState('member');
  const [expiresIn, setExpiresIn] = useState('7d');
  const [uses, setUses] = useState(1);
  const [made, setMade] = useState<InviteMade | null>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const linkRef = useRef<HTMLInputElement>(null);
  const action = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCopied(null);
    const invite = await action.run('create', () => createInvite({ role, expiresIn, uses }));
    if (!invite) return;
    setMade(invite);
    await invites.reload(invite.seq);
    linkRef.current?.focus();
  };

  const copy = async () => {
    if (!made) return;
    try {
      await navigator.clipboard.writeText(made.link);
      setCopied('yes');
    } catch {
      // No clipboard here (an insecure address, or permission refused): select the link instead.
      setCopied('no');
      linkRef.current?.select();
    }
  };

  const withdraw = async (invite: AdminInvite) => {
    const done = await action.run('revoke', () => revokeInvite(invite.id));
    if (done) await invites.reload(done.seq);
  };

  return (
    <Section title="Invites" description="A link lets one person (or a few) join with the role you choose.">
      <form className="flex flex-wrap items-end gap-3" onSubmit={submit} aria-label="New invite">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-role`}>Joins as</Label>
          <select
            id={`${id}-role`}
            className={selectClass()}
            value={role}
            onChange={(e) => setRole(e.target.value)}
          >
            <option value="member">Member</option>
            <option value="child">Child</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-expiry`}>Link works for</Label>
          <select
            id={`${id}-expiry`}
            className={selectClass()}
            value={expiresIn}
            onChange={(e) => setExpiresIn(e.target.value)}
          >
            {EXPIRIES.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-uses`}>People it admits</Label>
          <Input
            id={`${id}-uses`}
            type="number"
            min={1}
            max={100}
            className="w-24"
            value={uses}
            onChange={(e) => setUses(Math.max(1, Math.min(100, Number(e.target.value) || 1)))}
          />
        </div>
        <Button type="submit" data-requires="user.create" disabled={action.busy !== null}>
          Create invite link
        </Button>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        <ErrorText message={action.error} />
        {made && (
          <div className="flex flex-col gap-1.5 rounded-lg border p-3">
            <Label htmlFor={`${id}-link`}>
              Invite link ({roleLabel(made.role).toLowerCase()}, until {when(made.expiresAt)})
            </Label>
            <div className="flex flex-wrap gap-2">
              <Input
                ref={linkRef}
                id={`${id}-link`}
                readOnly
                value={made.link}
                className="min-w-0 flex-1 font-mono text-xs"
                onFocus={(e) => e.currentTarget.select()}
              />
              <Button variant="outline" onClick={copy}>
                Copy link
              </Button>
            </div>
            <p role="status" className="text-sm empty:hidden" data-testid="copy-status">
              {copied === 'yes' && 'Copied. Send it to the person you invited.'}
              {copied === 'no' &&
                'This browser would not copy it: the link is selected above, copy it with Ctrl+C (⌘C on a Mac).'}
            </p>
            <p className="text-xs text-muted-foreground">This is the only time the link is shown.</p>
          </div>
        )}
      </div>
      <div className="mt-4">
        {invites.error && !invites.data && (
          <LoadError message={invites.error} onRetry={() => void invites.reload()} />
        )}
        {!invites.data && !invites.error && <Loading what="the invites" />}
        {invites.data && invites.data.length === 0 && <Empty>No invites yet.</Empty>}
        {invites.data && invites.data.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Invites made">
              <thead className="text-xs text-muted-foreground">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Made
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Role
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Status
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Used
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Until
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invites.data.map((i) => (
                  <tr key={i.id} className="border-t" data-testid="invite-row" data-status={i.status}>
                    <td className="py-2 pr-3">{when(i.createdAt)}</td>
                    <td className="py-2 pr-3">{roleLabel(i.role)}</td>
                    <td className="py-2 pr-3">{STATUS[i.status]}</td>
                    <td className="py-2 pr-3">
                      {i.uses} of {i.maxUses}
                    </td>
                    <td className="py-2 pr-3">{when(i.expiresAt)}</td>
                    <td className="py-2 text-right">
                      {i.status === 'active' && (
                        <Button
                          variant="outline"
                          size="sm"
                          data-requires="user.create"
                          disabled={action.busy !== null}
                          onClick={() => void withdraw(i)}
                        >
                          Withdraw
                          <span className="sr-only">
                            {' '}
                            the {roleLabel(i.role).toLowerCase()} invite made {when(i.createdAt)}
                          </span>
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Section>
  );
}
