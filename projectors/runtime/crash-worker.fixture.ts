// A projector process that dies (SIGKILL) right after its first commit, before the ack:
// the crash window the checkpoint must make harmless. Started by crash.int.test.ts.
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { createNames } from '../../contracts/subjects.ts';
import { openDb } from '../../test/db.ts';
import { openLog } from '../../writers/log/open.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { createProjectorRunner } from './runner.ts';
import type { AnyProjection } from './types.ts';

const { NATS_URL, DATABASE_URL, PREFIX } = process.env;
const nc = await connect({ servers: NATS_URL });
const log = await openLog({ nc, names: createNames(PREFIX) });
const { db, pool } = openDb(DATABASE_URL as string);
const runner = createProjectorRunner({
  db,
  pool,
  log,
  projections: [identityUsersProjection as unknown as AnyProjection],
  logger: pino({ level: 'silent' }),
  ackWaitMs: 1000,
  afterCommit: (_name, lastSeq) => {
    process.stdout.write(`committed ${lastSeq}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
});
await runner.migrate();
await runner.start();
