// Hostile uploads through a whole hub on a real port: a missing boundary, a body that stops
// arriving while its socket stays open, thousands of parts, part headers past 8 KiB, control
// characters in the file name, a child's upload refused while its body streams, and files that
// claim an image type they cannot back up. Each is a 4xx with the error envelope, nothing is
// stored or appended, and the hub answers another client meanwhile.
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateClamd } from '../../test/clamd.ts';
import { logHeads, serveHub } from '../../test/hostile.ts';
import type { TestClient, TestHub } from '../../test/hub.ts';
import { startMediaFamily } from '../../test/media-family.ts';

let t: TestHub;
let clamd: PrivateClamd;
let server: Awaited<ReturnType<typeof serveHub>>;
let admin: TestClient;
let ann: TestClient;
let child: TestClient;

const BOUNDARY = 'hearthHostileBoundary';

function headersOf(client: TestClient, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  return {
    'X-Forwarded-For': client.ip,
    Origin: t.origin,
    Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    'Content-Type': contentType,
  };
}

const part = (disposition: string, body: string | Buffer, extra = '') =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\n${extra}\r\n`, 'latin1'),
    typeof body === 'string' ? Buffer.from(body) : body,
    Buffer.from('\r\n'),
  ]);
const closing = Buffer.from(`--${BOUNDARY}--\r\n`);
const fileWith = (bytes: Buffer, filename = 'filename="photo.jpg"') =>
  Buffer.concat([part(`name="file"; ${filename}`, bytes, 'Content-Type: image/jpeg\r\n'), closing]);

type Answer = { status: number; connection: string | undefined; body: string; sent: number };

/**
 * POSTs `head`, then `chunk` repeatedly up to `total` bytes while the server reads (all of it
 * when total is 0), then ends the body unless `hang` (the socket stays open, silent).
 */
function send(
  client: TestClient,
  head: Buffer,
  opts: { contentType?: string; chunk?: Buffer; total?: number; hang?: boolean } = {},
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    let sent = 0;
    const req = httpRequest({
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: '/api/v1/upload',
      headers: headersOf(client, opts.contentType),
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, sent });
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.write(head);
    const { chunk, total = 0 } = opts;
    const pump = () => {
      while (chunk && !answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && !opts.hang) req.end();
    };
    pump();
  });
}

const envelope = (answer: Answer, status: number, code: string) => {
  expect(answer.status, answer.body).toBe(status);
  const body = JSON.parse(answer.body) as { error: unknown; code: unknown };
  expect(body).toMatchObject({ code });
  expect(typeof body.error).toBe('string');
};

/** What an upload could have left: the MEDIA stream's head and the stored keys. */
const traces = async () => ({
  media: (await logHeads(t.hub)).media,
  keys: (await t.hub.media.store.list()).map((k) => k.key).sort(),
});

beforeAll(async () => {
  const family = await startMediaFamily({
    members: ['Ann'],
    children: ['Kid'],
    env: { HEARTH_UPLOAD_IDLE_TIMEOUT: '1' },
  });
  ({ t, clamd, admin } = family);
  [ann] = family.members as [TestClient];
  [child] = family.children as [TestClient];
  server = await serveHub(t.hub);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await t?.stop();
  await clamd?.stop();
});

describe('a hostile multipart body, through the hub', () => {
  it('without a boundary is a 400 with the envelope', async () => {
    const before = await traces();
    envelope(
      await send(ann, fileWith(Buffer.from('x')), { contentType: 'multipart/form-data' }),
      400,
      'media.bad_multipart',
    );
    expect(await traces()).toEqual(before);
  });

  it('with thousands of parts is a 400', async () => {
    const before = await traces();
    const parts = Buffer.concat(Array.from({ length: 5000 }, (_, i) => part(`name="f${i}"`, 'v')));
    envelope(await send(ann, Buffer.concat([parts, closing])), 400, 'media.bad_multipart');
    expect(await traces()).toEqual(before);
  });

  it('with part headers past 8 KiB is a 400', async () => {
    const before = await traces();
    const huge = `X-Padding: ${'a'.repeat(12 * 1024)}\r\n`;
    const body = Buffer.concat([part('name="file"; filename="a.jpg"', 'x', huge), closing]);
    envelope(await send(ann, body), 400, 'media.bad_multipart');
    expect(await traces()).toEqual(before);
  });

  it.each([
    ['a NUL, sent raw', 'filename="beach\0.jpg"'],
    ['a NUL, sent as filename*', "filename*=UTF-8''beach%00.jpg"],
    ['a control character, sent as filename*', "filename*=UTF-8''beach%1B.jpg"],
  ])('with %s in the file name is a 400', async (_, filename) => {
    const before = await traces();
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } })
      .jpeg()
      .toBuffer();
    envelope(await send(ann, fileWith(jpeg, filename)), 400, 'media.bad_multipart');
    expect(await traces()).toEqual(before);
  });

  it('that stops arriving, its socket kept open, times out with a 400 while the hub serves others', async () => {
    const before = await traces();
    let stalledAnswered = false;
    const stalled = send(ann, part('name="file"; filename="slow.jpg"', Buffer.alloc(1024, 1)), {
      hang: true,
    }).then((answer) => {
      stalledAnswered = true;
      return answer;
    });
    // Another client, answered while the stalled upload still waits for bytes.
    const other = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(other.status).toBe(200);
    expect(stalledAnswered).toBe(false);
    const answer = await stalled;
    envelope(answer, 400, 'media.bad_multipart');
    expect(answer.connection).toBe('close');
    expect(await traces()).toEqual(before);
  });
});

describe("a child's upload while children may not upload", () => {
  it('is answered 403 with the envelope while its body still streams, not reset', async () => {
    const head = part('name="file"; filename="big.jpg"', Buffer.alloc(0), 'Content-Type: image/jpeg\r\n');
    const total = 50 * 1024 * 1024;
    const answer = await send(child, head, { chunk: Buffer.alloc(64 * 1024, 7), total });
    envelope(answer, 403, 'media.children_may_not_upload');
    expect(answer.connection).toBe('close');
    // The server stopped reading: the client could not push the body through.
    expect(answer.sent).toBeLessThan(total / 4);
    expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
  });
});

describe('a file that claims an image type it cannot back up', () => {
  const images = async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    return [
      [
        'a JPEG marker and garbage',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600, 0x41)]),
      ],
      ['a truncated JPEG', jpeg.subarray(0, jpeg.length >> 1)],
      ['a truncated PNG', png.subarray(0, png.length >> 1)],
      ['a GIF header and garbage', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(300, 7)])],
      [
        'a WebP header and garbage',
        Buffer.concat([
          Buffer.from('RIFF'),
          Buffer.from([0, 1, 0, 0]),
          Buffer.from('WEBPVP8 '),
          Buffer.alloc(300, 9),
        ]),
      ],
    ] as const;
  };

  it.each([true, false])(
    'is refused with 415 and the envelope (location stripping %s), nothing stored',
    async (strip) => {
      const changed = await admin.request('/api/v1/media/settings', {
        method: 'PUT',
        body: { strip_location: strip },
      });
      expect(changed.status).toBe(200);
      for (const [what, bytes] of await images()) {
        const before = await traces();
        const answer = await send(ann, fileWith(Buffer.from(bytes)));
        expect(answer.status, `${what}: ${answer.body}`).toBe(415);
        envelope(answer, 415, 'media.type_not_allowed');
        expect(await traces(), what).toEqual(before);
      }
    },
  );
});
