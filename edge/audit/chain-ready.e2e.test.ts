// /ready and the audit chain: a stream that ends before the chain's position (the NATS store
// lost or an old backup restored) makes the hub unready, saying the log lost its history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../../test/hub.ts';
import { readiness } from '../http/ready.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await t.client().signUp({ email: 'ada@example.com' });
});
afterAll(async () => {
  await t.stop();
});

describe('readiness with the audit chain', () => {
  it('is ready while the chain follows the log, and not once a stream ends before the chain', async () => {
    const { deps, auditChain } = t.hub;
    const identity = deps.log.names.stream('identity');
    // Signed up: the account's events are on IDENTITY, and chained.
    await eventually(async () => {
      const seq = (await deps.log.jsm.streams.info(identity)).state.last_seq;
      return seq > 0 && (await auditChain.position('IDENTITY')) >= seq ? seq : undefined;
    });
    expect((await readiness(deps)).checks.audit_chain).toEqual({ ok: true });

    // As if the stream had gone back: the chain is past its end. The chainer may still be writing
    // a position of its own (a sign-up's later events), so the change is made until it holds.
    const report = await eventually(async () => {
      await deps.pool.query(
        `UPDATE audit_chain.positions SET seq = GREATEST(seq, $1::bigint) + 100 WHERE stream = 'IDENTITY'`,
        [(await deps.log.jsm.streams.info(identity)).state.last_seq],
      );
      const r = await readiness(deps);
      return r.ready ? undefined : r;
    });
    expect(report.ready).toBe(false);
    expect(report.checks.audit_chain?.detail).toMatch(
      /IDENTITY ends at \d+, before the chain's position \d+: the log lost its history/,
    );
  });
});
