// Uses of an API key within one minute, recorded for the audit log. A fact that only
// accumulates; its id names the key, action, minute, recording process and part, so a retried
// append lands on the same subject and message id.
import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ApiKeyUsedSchema,
  type AuditEvent,
  AuditEventSchema,
} from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import type { AuditEventBody } from './refusal.ts';

export type KeyUseCommand = {
  useId: string;
  keyId: string;
  action: string;
  status: number;
  count: number;
  firstAt: Date;
  lastAt: Date;
};

export const keyUseAggregate: AggregateType<null, KeyUseCommand, AuditEvent> = {
  domain: 'audit',
  envelope: AuditEventSchema,
  subject: (names, id) => names.audit.keyUse(id),
  decider: {
    initialState: null,
    evolve: (s) => s,
    decide: (c): AuditEventBody[] => [
      {
        case: 'apiKeyUsed',
        value: create(ApiKeyUsedSchema, {
          useId: c.useId,
          keyId: c.keyId,
          action: c.action.slice(0, 200),
          status: c.status,
          count: Math.max(1, Math.floor(c.count)),
          firstAt: timestampFromDate(c.firstAt),
          lastAt: timestampFromDate(new Date(Math.max(c.lastAt.getTime(), c.firstAt.getTime()))),
        }),
      },
    ],
  },
  concurrency: 'none',
};

export function keyUseIdOf(group: {
  recorder: string;
  keyId: string;
  action: string;
  minute: number;
  part: number;
}): string {
  const text = JSON.stringify([group.recorder, group.keyId, group.action, group.minute, group.part]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}
