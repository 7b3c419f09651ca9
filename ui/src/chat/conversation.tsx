// One open channel: who is in it, its history, who is typing, and the composer (for those
// the edge lets write). The tab's title and the page's heading name the channel. Files
// dropped anywhere on it join the next message, for those the edge lets upload.
import { ArrowLeft, Hash, Users } from 'lucide-react';
import { type DragEvent, useEffect, useId, useRef, useState } from 'react';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { usePermissions } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { useCanUpload } from '../media/can-upload.ts';
import { ChannelMembers } from './channel-members.tsx';
import { Composer, type Draft } from './composer.tsx';
import { composerFocused, wantsComposerFocus } from './focus.ts';
import { MessageList } from './message-list.tsx';
import { channelTitle, membersLine, otherMember } from './names.ts';
import { filesIn, usePendingAttachments } from './pending.ts';
import { TypingIndicator } from './typing-indicator.tsx';
import { useChat, useChatClient } from './use-chat.tsx';

export function Conversation({ me, channelId }: { me: User; channelId: string }) {
  const client = useChatClient();
  const channel = useChat((s) => s.channels[channelId]);
  const people = useChat((s) => s.people);
  const presence = useChat((s) => s.presence);
  const { loaded, can } = usePermissions();
  const mayUpload = useCanUpload(me);
  const [draft, setDraft] = useState<Draft>({ kind: 'new' });
  const heading = useRef<HTMLHeadingElement>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  const membersButton = useRef<HTMLButtonElement>(null);
  const membersId = useId();
  const [showMembers, setShowMembers] = useState(false);
  const pending = usePendingAttachments();
  const [dragging, setDragging] = useState(false);
  const title = channel ? channelTitle(channel, me, people) : 'Channel';
  usePageTitle(title);

  const { clear } = pending;
  useEffect(() => {
    void client.open(channelId);
    setDraft({ kind: 'new' });
    // Files picked for one conversation are not carried into another.
    clear();
    return () => {
      client.stopTyping(channelId);
      void client.open(null);
    };
  }, [client, channelId, clear]);

  // A conversation opened from the people picker starts in its composer. The shell moves focus
  // to the page's heading a frame after a route change; that once, it is passed on.
  const ready = channel !== undefined && !channel.archived;
  useEffect(() => {
    if (!ready || !wantsComposerFocus(channelId)) return;
    composer.current?.focus();
    const h1 = heading.current;
    const passOn = () => {
      composerFocused();
      composer.current?.focus();
    };
    h1?.addEventListener('focus', passOn, { once: true });
    return () => h1?.removeEventListener('focus', passOn);
  }, [channelId, ready]);

  if (!channel) {
    return (
      <section
        aria-labelledby="channel-missing"
        className="flex flex-1 flex-col items-center justify-center gap-1 p-6"
      >
        <h1 id="channel-missing" className="font-semibold">
          Channel
        </h1>
        <p className="text-sm text-muted-foreground">
          This channel is not one of yours, or it is still on its way.
        </p>
      </section>
    );
  }
  const other = otherMember(channel, me.id);
  const members = channel.members ?? [];
  // You are here, so you are online, whatever presence has heard yet.
  const online = members.filter((id) => id === me.id || presence[id] === true).length;
  // Files go up before the message: offered only to whom the edge lets upload now (null: not
  // known yet, nothing offered).
  const canAttach = channel.archived || (loaded && !can('chat.write')) ? false : mayUpload;
  const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

  return (
    <section
      aria-label={title}
      className="relative flex min-h-0 flex-1 flex-col"
      onDragOver={(e) => {
        if (canAttach !== true || !carriesFiles(e)) return;
        // Taken here, so the browser does not open the file instead.
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (canAttach !== true) return;
        const dropped = filesIn(e.dataTransfer);
        if (dropped.length === 0) return;
        e.preventDefault();
        pending.add(dropped);
        composer.current?.focus();
      }}
    >
      {dragging && (
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 z-20 flex items-center justify-center border-2 border-dashed border-primary bg-background/80 text-sm font-medium"
        >
          Drop to attach to your message
        </div>
      )}
      <header className="flex items-center gap-2 border-b px-2 py-2 md:px-4">
        <Button
          variant="ghost"
          size="icon"
          className="md:hidden"
          aria-label="All channels"
          onClick={() => navigate('/')}
        >
          <ArrowLeft />
        </Button>
        {other ? (
          <Avatar name={title} seed={other} online={presence[other] === true} />
        ) : (
          <Hash className="size-5 text-muted-foreground" aria-hidden="true" />
        )}
        <div className="min-w-0 flex-1">
          <h1 ref={heading} className="truncate font-semibold" data-testid="channel-title">
            {title}
          </h1>
          <p className="text-xs text-muted-foreground">
            {other ? (presence[other] ? 'online' : 'offline') : membersLine(members.length, online)}
          </p>
        </div>
        {channel.kind === 'group' && (
          <Button
            ref={membersButton}
            variant="ghost"
            size="icon"
            aria-label="Members"
            title="Members"
            aria-expanded={showMembers}
            aria-controls={showMembers ? membersId : undefined}
            onClick={() => setShowMembers((v) => !v)}
          >
            <Users />
          </Button>
        )}
      </header>
      {showMembers && (
        <ChannelMembers
          me={me}
          channel={channel}
          id={membersId}
          onClose={() => {
            // Back to the button that opened it: focus never falls to the page.
            membersButton.current?.focus();
            setShowMembers(false);
          }}
        />
      )}
      <MessageList
        me={me}
        channel={channel}
        onReply={(id) => setDraft({ kind: 'reply', id })}
        onEdit={(id) => setDraft({ kind: 'edit', id })}
      />
      <TypingIndicator channel={channel} />
      {channel.archived ? (
        <p className="border-t p-3 text-center text-sm text-muted-foreground">This channel is archived.</p>
      ) : loaded && !can('chat.write') ? (
        <p className="border-t p-3 text-center text-sm text-muted-foreground">You can read this channel.</p>
      ) : (
        // Shown while the permissions are on their way: every role the edge knows may write.
        <div data-requires="chat.write">
          <Composer
            me={me}
            channel={channel}
            draft={draft}
            onDraft={setDraft}
            inputRef={composer}
            pending={pending}
            canAttach={canAttach}
          />
        </div>
      )}
    </section>
  );
}
