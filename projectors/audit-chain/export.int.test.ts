// An export verifies as written however long after, a cut tail is caught, and headers only
// another publisher writes (bytes nats.js or trim() read otherwise) hash as stored.
import { connect as tcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exportStream, verifyExport } from '../../writers/audit/export-file.ts';
import { type ChainedLog, chainedLog } from './chain.fixture.ts';

let t: ChainedLog | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const exported = async (log: ChainedLog) => {
  const lines: string[] = [];
  await exportStream({ log: log.log, stream: 'CHAT', write: (l) => lines.push(l) });
  return lines;
};
const verifyFile = (log: ChainedLog, lines: string[]) =>
  verifyExport({
    log: log.log,
    stream: 'CHAT',
    lines,
    key: log.key,
    storedLinks: log.chainer().links('CHAT'),
  });

/** Publishes one message with a header block as given, over the bare protocol. */
async function publishRaw(
  log: ChainedLog,
  subject: string,
  headerBlock: Buffer,
  payload: Buffer,
): Promise<void> {
  const socket = tcp({
    host: log.log.nc.getServer().split(':')[0],
    port: Number(log.log.nc.getServer().split(':')[1]),
  });
  const pong = new Promise<void>((resolve, reject) => {
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString('latin1');
      if (seen.includes('PONG')) resolve();
      if (seen.includes('-ERR')) reject(new Error(seen));
    });
    socket.on('error', reject);
  });
  socket.write(
    Buffer.concat([
      Buffer.from(
        `CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\nHPUB ${subject} ${headerBlock.length} ${headerBlock.length + payload.length}\r\n`,
      ),
      headerBlock,
      payload,
      Buffer.from('\r\nPING\r\n'),
    ]),
  );
  await pong;
  socket.end();
}

describe('an export', () => {
  it('still verifies after another checkpoint is signed, and a cut tail is missing', async () => {
    t = await chainedLog();
    await t.publish(7);
    await t.caughtUp('CHAT');
    await t.chainer().checkpointAll();
    const lines = await exported(t);
    expect(lines).toHaveLength(8);
    await t.publish(3);
    await t.caughtUp('CHAT');
    await t.chainer().checkpointAll();
    expect(await verifyFile(t, lines)).toMatchObject({ ok: true, events: 7, to_seq: 7, signed_through: 7 });
    const cut = [...lines.slice(0, 5), lines.at(-1) as string];
    const report = await verifyFile(t, cut);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.seq, p.kind])).toEqual([[6, 'missing']]);
  });

  it('hashes header blocks as stored: spaces JS trims, bytes not UTF-8, names nats.js refuses', async () => {
    t = await chainedLog();
    await t.publish(2);
    const subject = t.log.names.chat.message('family', 'raw');
    const blocks = [
      Buffer.from('NATS/1.0\r\nHearth-Type: a\u000b\r\nHearth-Note: \u00a0b\ufeff\u2028\r\n\r\n', 'utf8'),
      Buffer.concat([
        Buffer.from('NATS/1.0\r\nHearth-Note: '),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('\r\n\r\n'),
      ]),
      Buffer.from('NATS/1.0\r\nHearth Odd\u00e9: c\r\n\r\n', 'utf8'),
    ];
    for (const block of blocks) await publishRaw(t, subject, block, Buffer.from('x'));
    await t.publish(1);
    await t.caughtUp('CHAT');
    await t.chainer().checkpointAll();
    const lines = await exported(t);
    expect(lines).toHaveLength(7);
    expect(await verifyFile(t, lines)).toMatchObject({ ok: true, events: 6, signed_through: 6 });
    // An edited header block is still caught.
    const edited = lines.map((l, i) => {
      if (i !== 2) return l;
      const line = JSON.parse(l) as { raw_headers: string };
      const raw = Buffer.from(line.raw_headers, 'base64').toString('latin1').replace('a', 'b');
      return JSON.stringify({ ...line, raw_headers: Buffer.from(raw, 'latin1').toString('base64') });
    });
    expect((await verifyFile(t, edited)).problems.map((p) => [p.seq, p.kind])).toContainEqual([3, 'altered']);
  });
});
