// The channel list: the family channel and groups, then direct messages, each with its
// unread badge; DMs show whether the other person is online.
import { Flame, Hash, Plus } from 'lucide-react';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { Avatar } from '../components/ui/avatar.tsx';
import { Badge } from '../components/ui/badge.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { cn } from '../lib/utils.ts';
import { type ChannelView, unreadOf } from './model.ts';
import { channelTitle, otherMember, sortChannels } from './names.ts';
import { NewChannel } from './new-channel.tsx';
import { PeoplePicker } from './people-picker.tsx';
import { useChat } from './use-chat.tsx';
import { UserMenu } from './user-menu.tsx';

export function Sidebar({
  me,
  activeId,
  nav,
  headerEnd,
}: {
  me: User;
  activeId: string | null;
  /** The page's own links (Home, Play, the console), above the channels. */
  nav?: ReactNode;
  /** Beside the name in the header (the notification centre). */
  headerEnd?: ReactNode;
}) {
  const canCreate = useCan('chat.create');
  const channels = useChat((s) => s.channels);
  const loaded = useChat((s) => s.channelsLoaded);
  const [picking, setPicking] = useState(false);
  const [creating, setCreating] = useState(false);
  const dmOpener = useRef<HTMLButtonElement>(null);
  const channelOpener = useRef<HTMLButtonElement>(null);
  const sorted = useMemo(() => sortChannels(Object.values(channels)), [channels]);
  const rooms = sorted.filter((c) => c.kind !== 'dm');
  const dms = sorted.filter((c) => c.kind === 'dm');

  return (
    <div className="flex h-full w-full flex-col">
      <header className="flex items-center gap-2 border-b px-4 py-3">
        <Flame className="size-5 shrink-0 text-primary" aria-hidden="true" />
        <span className="flex-1 font-semibold tracking-tight">Hearth</span>
        {headerEnd}
      </header>
      <nav aria-label="Channels" className="flex-1 overflow-y-auto px-2 py-3">
        {nav && <div className="mb-3 flex flex-col gap-0.5">{nav}</div>}
        <div className="flex items-center justify-between px-2 pb-1">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">Channels</h2>
          {canCreate && (
            <Button
              ref={channelOpener}
              variant="ghost"
              size="icon-sm"
              aria-label="New channel"
              data-requires="chat.create"
              onClick={() => setCreating(true)}
            >
              <Plus />
            </Button>
          )}
        </div>
        {creating && canCreate && (
          <NewChannel
            me={me}
            onClose={() => {
              channelOpener.current?.focus();
              setCreating(false);
            }}
          />
        )}
        {!loaded && <p className="px-2 py-1 text-sm text-muted-foreground">Loading…</p>}
        <ul>
          {rooms.map((c) => (
            <ChannelRow key={c.id} channel={c} me={me} active={c.id === activeId} />
          ))}
        </ul>
        <div className="flex items-center justify-between px-2 pt-4 pb-1">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">
            Direct messages
          </h2>
          <Button
            ref={dmOpener}
            variant="ghost"
            size="icon-sm"
            aria-label="New direct message"
            aria-expanded={picking}
            onClick={() => setPicking((p) => !p)}
          >
            <Plus />
          </Button>
        </div>
        {picking && (
          <PeoplePicker
            me={me}
            onClose={() => {
              // Back to the button that opened it: focus never falls to the page.
              dmOpener.current?.focus();
              setPicking(false);
            }}
          />
        )}
        <ul>
          {dms.map((c) => (
            <ChannelRow key={c.id} channel={c} me={me} active={c.id === activeId} />
          ))}
        </ul>
        {loaded && dms.length === 0 && !picking && (
          <p className="px-2 py-1 text-sm text-muted-foreground">No direct messages yet.</p>
        )}
      </nav>
      <UserMenu me={me} />
    </div>
  );
}

function ChannelRow({ channel, me, active }: { channel: ChannelView; me: User; active: boolean }) {
  const people = useChat((s) => s.people);
  const presence = useChat((s) => s.presence);
  const title = channelTitle(channel, me, people);
  const unread = unreadOf(channel);
  const other = otherMember(channel, me.id);
  return (
    <li>
      <a
        href={`/c/${channel.id}`}
        data-channel={channel.id}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/c/${channel.id}`);
        }}
        className={cn(
          'flex items-center gap-2 rounded-md px-2 py-2 text-sm hover:bg-accent md:py-1.5',
          active && 'bg-accent font-medium text-accent-foreground',
          unread > 0 && 'font-semibold',
        )}
      >
        {channel.kind === 'dm' ? (
          <Avatar
            name={title}
            seed={other ?? channel.id}
            online={other ? presence[other] === true : undefined}
            className="size-6"
          />
        ) : (
          <Hash className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
        )}
        <span className="min-w-0 flex-1 truncate">{title}</span>
        {channel.archived && <span className="text-xs text-muted-foreground">archived</span>}
        {unread > 0 && (
          <Badge className="rounded-full px-1.5" data-testid="unread" aria-label={`${unread} unread`}>
            {unread > 999 ? '999+' : unread}
          </Badge>
        )}
      </a>
    </li>
  );
}
