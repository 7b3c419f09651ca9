// A frame that breaks the WebSocket protocol closes its own socket with the code the protocol
// names, and nothing else: the hub answers, and everyone else's socket goes on.
import { connect, type Socket as TcpSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHubs, joinedSocket, type Person, type Socket, startChatHubs } from '../../test/sockets.ts';
import { MAX_FRAME_BYTES } from './upgrade.ts';

let t: ChatHubs;
let ann: Person;
let bob: Person;
let bobWs: Socket;

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  bobWs = await joinedSocket(bob);
});
afterAll(() => t?.stop());

/** Upgrades a raw TCP connection by hand, so any bytes at all can follow. */
async function rawSocket(): Promise<{ tcp: TcpSocket; closeCode: Promise<number | null> }> {
  const port = t.edges[0]?.port as number;
  const token = await ann.wsToken();
  const tcp = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => tcp.once('connect', resolve).once('error', reject));
  tcp.write(
    `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  let buffered = Buffer.alloc(0);
  let head: string | undefined;
  let answered: (status: string) => void = () => {};
  const status = new Promise<string>((resolve) => {
    answered = resolve;
  });
  const closeCode = new Promise<number | null>((resolve) => {
    tcp.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (head === undefined) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buffered.subarray(0, end).toString();
        answered(head.split('\r\n')[0] ?? '');
        buffered = buffered.subarray(end + 4);
      }
      // Server frames are unmasked: walk them (any length: hello and presence frames pass
      // 125 bytes) until the close frame (opcode 8).
      while (buffered.length >= 2) {
        const opcode = (buffered[0] as number) & 0x0f;
        const short = (buffered[1] as number) & 0x7f;
        const start = short === 126 ? 4 : short === 127 ? 10 : 2;
        if (buffered.length < start) return;
        const len =
          short === 126
            ? buffered.readUInt16BE(2)
            : short === 127
              ? Number(buffered.readBigUInt64BE(2))
              : short;
        if (buffered.length < start + len) return;
        if (opcode === 8) return resolve(len >= 2 ? buffered.readUInt16BE(start) : null);
        buffered = buffered.subarray(start + len);
      }
    });
    tcp.on('close', () => {
      answered('closed');
      resolve(null);
    });
    tcp.on('error', () => {
      answered('error');
      resolve(null);
    });
  });
  // The 101 arrives before anything we write is read as a frame.
  expect(await status).toBe('HTTP/1.1 101 Switching Protocols');
  return { tcp, closeCode };
}

/** A masked client frame (every client frame is masked), with a zero mask for readability. */
function frame({ first, payload }: { first: number; payload: Buffer }): Buffer {
  const mask = Buffer.alloc(4);
  const len = payload.length;
  const header =
    len < 126
      ? Buffer.from([first, 0x80 | len])
      : Buffer.concat([Buffer.from([first, 0x80 | 126]), Buffer.from([len >> 8, len & 0xff])]);
  return Buffer.concat([header, mask, payload]);
}

/** Only the header of a frame that says it is larger than any frame allowed. */
function oversizedHeader(): Buffer {
  const header = Buffer.alloc(10);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(MAX_FRAME_BYTES + 1), 2);
  return Buffer.concat([header, Buffer.alloc(4)]);
}

const FIN_TEXT = 0x81;
const FIN_RSV1_TEXT = 0xc1;

describe.each([
  { name: 'a frame larger than the maximum payload', bytes: oversizedHeader, code: 1009 },
  {
    name: 'a text frame that is not valid UTF-8',
    bytes: () => frame({ first: FIN_TEXT, payload: Buffer.from([0xff, 0xfe, 0xfd]) }),
    code: 1007,
  },
  {
    name: 'a frame with a reserved bit set and no extension negotiated',
    bytes: () => frame({ first: FIN_RSV1_TEXT, payload: Buffer.from('{"type":"ping"}') }),
    code: 1002,
  },
])('when a member sends $name', ({ bytes, code }) => {
  it(`closes that socket alone with ${code}, and the hub and everyone else go on`, async () => {
    const { tcp, closeCode } = await rawSocket();
    tcp.write(bytes());
    expect(await closeCode).toBe(code);
    tcp.destroy();

    const health = await fetch(`${t.edges[0]?.url}/health`);
    expect(health.status).toBe(200);
    const content = `still here after ${code}`;
    await ann.json('/api/v1/messages', { body: { channel: 'family', content } });
    await bobWs.waitFor((f) => f.type === 'message' && f.content === content);
  });
});
