// The list of matches, each as a card: who came where, who still has to confirm, the rating changes once it
// counts, and the confirm / reject / void actions.
import { Check, Clock, X } from 'lucide-react';
import { useState } from 'react';
import type { Match } from '../../../contracts/play.api.ts';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { cn } from '../lib/utils.ts';
import { confirmMatch, rejectMatch, voidMatch } from './api.ts';
import { ReasonForm } from './fields.tsx';
import { formatDelta, formatWhen, MATCH_STATUS_LABELS, ordinal } from './format.ts';
import { FormError, Pill } from './parts.tsx';
import { useCommand } from './store.tsx';

export function MatchList({ matches, me, admin }: { matches: Match[]; me: User; admin: boolean }) {
  return (
    <ul className="flex flex-col gap-2">
      {matches.map((m) => (
        <li key={m.id}>
          <MatchCard match={m} me={me} admin={admin} />
        </li>
      ))}
    </ul>
  );
}

const STATUS_TONES = {
  reported: 'waiting',
  settled: 'good',
  rejected: 'bad',
  voided: 'quiet',
  expired: 'quiet',
} as const;

function MatchCard({ match: m, me, admin }: { match: Match; me: User; admin: boolean }) {
  const { run, busy, error } = useCommand();
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const mine = m.placements.find((p) => p.user_id === me.id);
  // Confirmed by everyone yet still reported: the settlement did not get written, and any
  // player's confirmation writes it.
  const unsettled = m.status === 'reported' && m.placements.every((p) => p.confirmed);
  const player = useCan('play.play');
  const mustConfirm =
    player && m.status === 'reported' && mine !== undefined && (!mine.confirmed || unsettled);
  const names = m.placements.map((p) => p.name);
  const placements = [...m.placements].sort((a, b) => a.place - b.place);

  return (
    <article
      aria-label={`${m.game_name}: ${names.join(' vs ')}`}
      className={cn('rounded-lg border p-3', mustConfirm && 'border-primary/50 bg-orange-50/60')}
    >
      <header className="mb-2 flex flex-wrap items-center gap-2">
        <h3 className="font-semibold">{m.game_name}</h3>
        <Pill tone={STATUS_TONES[m.status]} className="capitalize">
          <span className="sr-only">Status: </span>
          {m.status}
        </Pill>
        <span className="ml-auto text-xs text-muted-foreground">{formatWhen(m.reported_at)}</span>
      </header>
      <ol className="flex flex-col gap-1 text-sm">
        {placements.map((p) => (
          <li key={p.user_id} className="flex items-center gap-2">
            <span className="w-9 shrink-0 text-xs font-semibold text-muted-foreground">
              {ordinal(p.place)}
            </span>
            <span className="min-w-0 flex-1 truncate">
              {p.name}
              {p.user_id === me.id && <span className="text-muted-foreground"> (you)</span>}
            </span>
            {m.status === 'reported' &&
              (p.confirmed ? (
                <span className="flex items-center gap-1 text-xs text-emerald-700">
                  <Check className="size-3.5" aria-hidden="true" /> confirmed
                </span>
              ) : (
                <span className="flex items-center gap-1 text-xs text-amber-800">
                  <Clock className="size-3.5" aria-hidden="true" /> to confirm
                </span>
              ))}
            {p.rating_change !== null && (
              <span
                className={cn(
                  'text-sm font-semibold tabular-nums',
                  p.rating_change > 0 ? 'text-emerald-700' : p.rating_change < 0 ? 'text-rose-700' : '',
                )}
                data-testid="rating-change"
              >
                <span className="sr-only">rating </span>
                {formatDelta(p.rating_change)}
              </span>
            )}
          </li>
        ))}
      </ol>
      <p className="mt-2 text-xs text-muted-foreground">
        {MATCH_STATUS_LABELS[m.status]}
        {m.status === 'reported' && ` · confirm by ${formatWhen(m.expires_at)}`}
        {m.settled_by_admin && ' · settled by an admin'}
        {m.reason && ` · “${m.reason}”`}
      </p>
      <FormError message={error?.message} />
      {(mustConfirm ||
        (admin && m.status !== 'voided' && m.status !== 'rejected' && m.status !== 'expired')) && (
        <div className="mt-2 flex flex-wrap gap-2">
          {mustConfirm && (
            <Button
              size="sm"
              data-requires="play.play"
              disabled={busy !== null}
              onClick={() => void run('confirm', () => confirmMatch(m.id))}
            >
              <Check /> Confirm
            </Button>
          )}
          {m.status === 'reported' && (mustConfirm || admin) && (
            <Button
              size="sm"
              variant="outline"
              data-requires={mustConfirm ? 'play.play' : 'play.manage'}
              disabled={busy !== null}
              onClick={() => void run('reject', () => rejectMatch(m.id))}
            >
              <X /> Reject
            </Button>
          )}
          {admin && m.status === 'settled' && !voiding && (
            <Button size="sm" variant="outline" data-requires="play.manage" onClick={() => setVoiding(true)}>
              Void
            </Button>
          )}
        </div>
      )}
      {admin && voiding && (
        <div data-requires="play.manage">
          <ReasonForm
            label="Void this match"
            reasonLabel="Why void it? (optional)"
            reason={reason}
            onReason={setReason}
            submitLabel="Void match"
            cancelLabel="Keep it"
            busy={busy !== null}
            onSubmit={async () => {
              if (await run('void', () => voidMatch(m.id, reason.trim() || undefined))) setVoiding(false);
            }}
            onCancel={() => setVoiding(false)}
          />
        </div>
      )}
    </article>
  );
}
