import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { AttemptRefusedSchema, RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { type RefusalCommand, refusalAggregate, refusalIdOf } from './refusal.ts';

const spec = deciderSpec(refusalAggregate.decider);
const at = new Date('2026-03-01T10:00:05Z');
const later = new Date('2026-03-01T10:00:50Z');

const record = (over: Partial<RefusalCommand> = {}): RefusalCommand => ({
  type: 'record',
  refusalId: 'r1',
  kind: RefusalKind.FORBIDDEN,
  action: 'POST /api/v1/admin/users/:id/role',
  target: 'u2',
  code: 'forbidden',
  count: 1,
  firstAt: at,
  lastAt: at,
  account: '',
  accounts: 0,
  ...over,
});

describe('when an attempt is refused', () => {
  it('records what was attempted, on what, the answer and how many times', () => {
    spec
      .given([])
      .when(
        record({
          kind: RefusalKind.SIGN_IN_FAILED,
          count: 7,
          lastAt: later,
          account: 'a@x.test',
          accounts: 3,
        }),
      )
      .thenEmits([
        {
          case: 'attemptRefused',
          value: create(AttemptRefusedSchema, {
            refusalId: 'r1',
            kind: RefusalKind.SIGN_IN_FAILED,
            action: 'POST /api/v1/admin/users/:id/role',
            target: 'u2',
            code: 'forbidden',
            count: 7,
            firstAt: timestampFromDate(at),
            lastAt: timestampFromDate(later),
            account: 'a@x.test',
            accounts: 3,
          }),
        },
      ]);
  });

  it('bounds what a client could make long, and stands for at least one attempt', () => {
    const [event] = refusalAggregate.decider.decide(
      record({ action: 'x'.repeat(5000), account: 'a'.repeat(1000), count: 0, lastAt: new Date(0) }),
      null,
    );
    const value = event?.value as { action: string; account: string; count: number; lastAt: unknown };
    expect(value.action).toHaveLength(200);
    expect(value.account).toHaveLength(254);
    expect(value.count).toBe(1);
    expect(value.lastAt).toEqual(timestampFromDate(at));
  });
});

describe('the id of a refusal', () => {
  const group = {
    recorder: 'edge1',
    kind: RefusalKind.SIGN_IN_FAILED,
    who: '10.0.0.7',
    action: 'POST /api/auth/sign-in/email',
    minute: 29_000_000,
    part: 0,
  };

  it('is the same for the same group, minute and part, so a retry is one record', () => {
    expect(refusalIdOf(group)).toBe(refusalIdOf({ ...group }));
    expect(refusalIdOf(group)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('differs when any of them differs', () => {
    const ids = new Set([
      refusalIdOf(group),
      refusalIdOf({ ...group, part: 1 }),
      refusalIdOf({ ...group, minute: group.minute + 1 }),
      refusalIdOf({ ...group, who: '10.0.0.8' }),
      refusalIdOf({ ...group, kind: RefusalKind.RATE_LIMITED }),
      refusalIdOf({ ...group, action: 'POST /api/auth/sign-up/email' }),
      refusalIdOf({ ...group, recorder: 'edge2' }),
    ]);
    expect(ids.size).toBe(7);
  });
});
