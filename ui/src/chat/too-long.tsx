// The notice under a text too long for one message: nothing is cut, and it can go as several.
import { Button } from '../components/ui/button.tsx';
import { MAX_PARTS, MESSAGE_MAX_CHARS } from './long-text.ts';

export const thousands = (n: number) => n.toLocaleString('en');

/** A text over the limit is kept whole, said so, and offered as several messages. */
export function TooLong({
  id,
  length,
  editing,
  parts,
  onSplit,
}: {
  id: string;
  length: number;
  editing: boolean;
  parts: number;
  onSplit: () => void;
}) {
  const limit = thousands(MESSAGE_MAX_CHARS);
  return (
    <div
      className="mt-1 flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-2 py-1.5 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50"
      data-testid="too-long"
    >
      {/* Said once as it appears; the count below changes with every key, so it is not. */}
      <p id={id} role="status" className="min-w-0 flex-1">
        {editing
          ? `This is too long for one message (up to ${limit} characters). Shorten it to save the edit.`
          : parts > MAX_PARTS
            ? `This is too long for one message (up to ${limit} characters), and too long to send as several. Please shorten it.`
            : `This is too long for one message (up to ${limit} characters). Nothing was cut: you can send it as ${parts} messages, in order.`}
      </p>
      <span className="text-xs tabular-nums">
        {thousands(length)} / {limit}
      </span>
      {!editing && parts <= MAX_PARTS && (
        <Button size="sm" variant="outline" onClick={onSplit}>
          Send as {parts} messages
        </Button>
      )}
    </div>
  );
}
