// clamd's INSTREAM, over TCP (`tcp://host:port`) or a unix socket (`unix:/path`, or a bare
// absolute path). The file goes as <4-byte big-endian length><bytes> frames and a zero-length
// frame ends it; clamd answers "stream: OK" or "stream: <signature> FOUND".
//
// Scanning fails closed: anything but one of those two answers (no url configured, clamd away,
// slow, or refusing the stream: "INSTREAM size limit exceeded" when the file is larger than
// its StreamMaxLength, which must be at least MAX_FILE_SIZE) throws 503
// media.scanner_unavailable, and the upload is refused: nothing unscanned is ever kept.
import { createReadStream } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { HearthError } from '../../contracts/errors.ts';
import { scannerUnavailable } from '../../writers/media/upload-errors.ts';

export type ScanResult = { clean: true } | { clean: false; signature: string };

export type Scanner = {
  scan(path: string): Promise<ScanResult>;
  /** PING/PONG, cheap, for /media/status and /ready. */
  ping(): Promise<boolean>;
  readonly configured: boolean;
};

/** clamd is idle this long (no byte either way) → it is away. Scans of big files keep it busy, not idle. */
export const DEFAULT_SCAN_TIMEOUT_MS = 15_000;
/** Frames this size: clamd reads each into its buffer. */
const CHUNK_BYTES = 64 * 1024;

type Address = { port: number; host: string } | { path: string };

export function parseClamdUrl(url: string): Address {
  if (url.startsWith('unix:')) return { path: url.slice('unix:'.length).replace(/^\/\/(?=\/)/, '') };
  if (url.startsWith('/')) return { path: url };
  const parsed = new URL(url);
  if (parsed.protocol !== 'tcp:' || !parsed.hostname || !parsed.port)
    throw new Error(`CLAMD_URL must be tcp://host:port, unix:/path or an absolute path, not ${url}`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) };
}

export function createScanner(input: { url: string | undefined; timeoutMs?: number }): Scanner {
  const { url } = input;
  const timeoutMs = input.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
  if (!url) {
    return {
      configured: false,
      ping: async () => false,
      scan: async () => {
        throw scannerUnavailable('Uploads are off: this hub has no virus scanner (CLAMD_URL is not set).');
      },
    };
  }
  const address = parseClamdUrl(url);
  return {
    configured: true,
    ping: () =>
      talk({
        address,
        timeoutMs,
        send: (socket) => {
          socket.end('zPING\0');
        },
      }).then(
        (reply) => reply === 'PONG',
        () => false,
      ),
    scan: async (path) => {
      const reply = await talk({ address, timeoutMs, send: (socket) => streamFile(socket, path) }).catch(
        (err: unknown) => {
          if (err instanceof HearthError) throw err;
          throw scannerUnavailable();
        },
      );
      if (reply === 'stream: OK') return { clean: true };
      const found = /^stream: (.+) FOUND$/.exec(reply);
      if (found?.[1]) return { clean: false, signature: found[1] };
      if (/size limit exceeded/i.test(reply))
        throw scannerUnavailable(
          'The virus scanner refuses files this large (its StreamMaxLength is too small).',
        );
      throw scannerUnavailable();
    },
  };
}

/** One connection: send, then read the reply up to its NUL (the z-prefixed commands end replies with one). */
function talk(input: {
  address: Address;
  timeoutMs: number;
  send: (socket: Socket) => Promise<void> | void;
}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(input.address);
    let reply = '';
    let done = false;
    const finish = (err: Error | undefined) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(reply.replace(/\0[\s\S]*$/, '').trim());
    };
    socket.setTimeout(input.timeoutMs, () => finish(new Error('clamd did not answer in time')));
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      reply += text;
      // The reply is complete at its NUL, even when clamd still has our bytes unread
      // (it answers "size limit exceeded" mid-stream and closes).
      if (reply.includes('\0')) finish(undefined);
    });
    // A write that fails because clamd closed early is fine when its reply has arrived.
    socket.on('error', (err) => (reply ? finish(undefined) : finish(err)));
    socket.on('end', () => (reply ? finish(undefined) : finish(new Error('clamd closed without a reply'))));
    socket.on('connect', () => {
      Promise.resolve(input.send(socket)).catch((err: unknown) =>
        reply ? undefined : finish(err instanceof Error ? err : new Error(String(err))),
      );
    });
  });
}

/** INSTREAM: the file in length-prefixed frames, waiting for the socket to drain between them. */
async function streamFile(socket: Socket, path: string): Promise<void> {
  const write = (data: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      if (socket.destroyed) return reject(new Error('clamd closed the connection'));
      if (socket.write(data)) return resolve();
      const onDrain = () => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        reject(new Error('clamd closed the connection'));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  await write(Buffer.from('zINSTREAM\0'));
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const data = chunk as Buffer;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    await write(Buffer.concat([length, data]));
  }
  await write(Buffer.alloc(4));
}
