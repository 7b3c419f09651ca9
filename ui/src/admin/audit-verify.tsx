// Checking the log: every stream's events against its hash chain and signed checkpoints, in
// words (what is wrong, at which event), and signing a checkpoint of every stream now.
import { ShieldAlert, ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import type {
  AuditCheckpointResult,
  AuditProblemKind,
  AuditStreamReport,
  AuditVerifyReport,
} from '../../../contracts/audit.api.ts';
import { Button } from '../components/ui/button.tsx';
import { useCan } from '../identity/permissions.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { signCheckpoint, verifyAudit } from './audit-api.ts';
import { ErrorText, Section } from './parts.tsx';

export const PROBLEM_WORDS: Record<AuditProblemKind, string> = {
  missing: 'missing (deleted from the log)',
  altered: 'changed after it was written',
  reordered: 'out of order',
  bad_signature: 'a checkpoint whose signature does not match this hub’s key',
  chain_mismatch: 'does not match what its signed checkpoint recorded',
  unanchored: 'not covered by any signed checkpoint',
};

/** An answer meaning another check is under way (one at a time, for the hub's sake). */
const busyElsewhere = (err: unknown) => err instanceof ApiError && (err.status === 409 || err.status === 429);

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function AuditVerifySection() {
  const canSign = useCan('audit.checkpoint');
  const [busy, setBusy] = useState<'verify' | 'sign' | null>(null);
  const [report, setReport] = useState<AuditVerifyReport | null>(null);
  const [signed, setSigned] = useState<AuditCheckpointResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const verify = async () => {
    setBusy('verify');
    setError(null);
    setReport(null);
    try {
      setReport(await verifyAudit());
    } catch (err) {
      setError(
        busyElsewhere(err)
          ? 'Another check of the log is running just now. Try again when it has finished.'
          : `The log could not be checked: ${errorMessage(err)}`,
      );
    } finally {
      setBusy(null);
    }
  };
  const sign = async () => {
    setBusy('sign');
    setError(null);
    setSigned(null);
    try {
      setSigned(await signCheckpoint());
    } catch (err) {
      setError(
        busyElsewhere(err)
          ? 'A checkpoint is being signed just now. Try again in a moment.'
          : `No checkpoint was signed: ${errorMessage(err)}`,
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <Section
      title="Is the log intact?"
      description="Hearth chains every event to the one before it and signs the chain now and then. Checking recomputes the chain: a deleted, changed or reordered event shows up here."
      actions={
        <div className="flex flex-wrap gap-2">
          <Button
            data-requires="audit.read"
            disabled={busy !== null}
            aria-busy={busy === 'verify'}
            onClick={() => void verify()}
          >
            {busy === 'verify' ? 'Checking the log…' : 'Verify the log'}
          </Button>
          {canSign && (
            <Button
              variant="outline"
              data-requires="audit.checkpoint"
              disabled={busy !== null}
              aria-busy={busy === 'sign'}
              onClick={() => void sign()}
            >
              {busy === 'sign' ? 'Signing…' : 'Sign a checkpoint now'}
            </Button>
          )}
        </div>
      }
    >
      <div
        role="status"
        className="flex flex-col gap-2 text-sm empty:hidden"
        data-testid="audit-verify-status"
      >
        {busy === 'verify' && <p>Checking every event of every stream; a large log takes a while…</p>}
        {report && <Summary report={report} />}
        {signed && (
          <p data-testid="audit-signed">
            Signed a checkpoint of {plural(signed.checkpoints.length, 'stream')}
            {signed.checkpoints.length > 0 &&
              `: ${signed.checkpoints.map((c) => `${c.stream} through event ${c.seq}`).join(', ')}`}
            .
          </p>
        )}
      </div>
      <ErrorText message={error} />
      {report && (
        <ul className="mt-2 flex flex-col gap-2" aria-label="Streams checked">
          {report.streams.map((s) => (
            <StreamReport key={s.stream} report={s} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function Summary({ report }: { report: AuditVerifyReport }) {
  const problems = report.streams.reduce((n, s) => n + s.problems.length, 0);
  const events = report.streams.reduce((n, s) => n + s.events, 0);
  if (report.ok)
    return (
      <p className="flex items-center gap-2 font-medium" data-testid="audit-verdict" data-ok="true">
        <ShieldCheck className="size-5 shrink-0" aria-hidden="true" />
        All good: {plural(events, 'event')} in {plural(report.streams.length, 'stream')} checked, nothing
        deleted, changed or out of order.
      </p>
    );
  const bad = report.streams.filter((s) => !s.ok).length;
  return (
    <p
      className="flex items-center gap-2 font-medium text-destructive"
      data-testid="audit-verdict"
      data-ok="false"
    >
      <ShieldAlert className="size-5 shrink-0" aria-hidden="true" />
      Not good: {plural(problems, 'problem')} found in {plural(bad, 'stream')}. The log may have been tampered
      with; the details are below.
    </p>
  );
}

function StreamReport({ report: s }: { report: AuditStreamReport }) {
  return (
    <li
      className="rounded-lg border p-3 text-sm"
      data-testid="audit-stream"
      data-stream={s.stream}
      data-ok={s.ok}
    >
      <h3 className="font-medium">
        <span className="font-mono">{s.stream}</span>: {s.ok ? 'intact' : 'problems found'}
      </h3>
      <p className="text-xs text-muted-foreground">
        {s.events === 0
          ? 'No events kept.'
          : `Verified events ${s.from_seq} through ${s.to_seq}: ${plural(s.events, 'event')}, ${plural(s.checkpoints, 'checkpoint')}, ${s.signed_through > 0 ? `signed through event ${s.signed_through}` : 'none signed yet'}.`}
      </p>
      {s.problems.length > 0 && (
        <ul className="mt-1 flex flex-col gap-0.5" aria-label={`Problems in ${s.stream}`}>
          {s.problems.map((p) => (
            <li key={`${p.seq}:${p.kind}`} data-testid="audit-problem" data-kind={p.kind}>
              event {p.seq}: {PROBLEM_WORDS[p.kind] ?? p.kind} — {p.detail}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
