// "Ana is typing…": names from the typing frames, until they expire or the message arrives.
import { type ChannelView, typingNow } from './model.ts';
import { nameOf } from './names.ts';
import { useChat } from './use-chat.tsx';

export function TypingIndicator({ channel }: { channel: ChannelView }) {
  const people = useChat((s) => s.people);
  const who = typingNow(channel, Date.now()).map((id) => nameOf(people, id));
  const text =
    who.length === 0
      ? ''
      : who.length === 1
        ? `${who[0]} is typing…`
        : who.length === 2
          ? `${who[0]} and ${who[1]} are typing…`
          : 'Several people are typing…';
  return (
    <div className="h-5 px-4 text-xs text-muted-foreground italic" aria-live="polite" data-testid="typing">
      {text}
    </div>
  );
}
