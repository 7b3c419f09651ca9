// A refused attempt (or a minute's run of the same one), recorded for the audit log. A fact
// that only accumulates, so its decision reads no state; its id says which group, minute and
// part it stands for, so a retried append lands on the same subject and message id.

import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { EventOf } from '../../contracts/events.ts';
import {
  AttemptRefusedSchema,
  type AuditEvent,
  AuditEventSchema,
  type RefusalKind,
} from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';

export type AuditEventBody = EventOf<AuditEvent>;

export type RefusalCommand = {
  type: 'record';
  refusalId: string;
  kind: RefusalKind;
  /** The route's method and pattern, e.g. "POST /api/v1/admin/users/:id/role". */
  action: string;
  /** What it was aimed at (an id), or ''. */
  target: string;
  /** The error code answered. */
  code: string;
  /** How many attempts this stands for. */
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** A failed sign-in's account as typed, or ''. */
  account: string;
  /** How many different accounts the attempts named (0: none). */
  accounts: number;
};

/** Bounds on what a refusal records: it comes from whatever a client sent. */
export const REFUSAL_LIMITS = { action: 200, target: 128, code: 100, account: 254 } as const;

export const refusalAggregate: AggregateType<null, RefusalCommand, AuditEvent> = {
  domain: 'audit',
  envelope: AuditEventSchema,
  subject: (names, id) => names.audit.refusal(id),
  decider: {
    initialState: null,
    evolve: (s) => s,
    decide: (c): AuditEventBody[] => [
      {
        case: 'attemptRefused',
        value: create(AttemptRefusedSchema, {
          refusalId: c.refusalId,
          kind: c.kind,
          action: c.action.slice(0, REFUSAL_LIMITS.action),
          target: c.target.slice(0, REFUSAL_LIMITS.target),
          code: c.code.slice(0, REFUSAL_LIMITS.code),
          count: Math.max(1, Math.floor(c.count)),
          firstAt: timestampFromDate(c.firstAt),
          lastAt: timestampFromDate(new Date(Math.max(c.lastAt.getTime(), c.firstAt.getTime()))),
          account: c.account.slice(0, REFUSAL_LIMITS.account),
          accounts: Math.max(0, Math.floor(c.accounts)),
        }),
      },
    ],
  },
  concurrency: 'none',
};

/**
 * The id of one part of a group's minute: the same group (who, kind, action), minute and part
 * give the same id, so the append of a retry is recognised as a duplicate. `recorder` tells
 * processes apart: two edges counting the same client's attempts record both counts.
 */
export function refusalIdOf(group: {
  recorder: string;
  kind: RefusalKind;
  who: string;
  action: string;
  minute: number;
  part: number;
}): string {
  const text = JSON.stringify([
    group.recorder,
    group.kind,
    group.who,
    group.action,
    group.minute,
    group.part,
  ]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}
