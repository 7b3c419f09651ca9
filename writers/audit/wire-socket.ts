// The connection the wire reader (read-wire.ts) reads on: the NATS handshake, then received
// bytes straight into a few reused slabs of memory (net's onread), not a new buffer per read:
// a verify of a million events reads a gigabyte, and a buffer per read kept the collector busy.
// A frame cut by the end of a read is completed in place, or carried to the next slab whole.
import { type Socket, connect as tcp } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const CR = 13;
const LF = 10;
const SPACE = 32;
/** A slab's size, and the least room a read is given. */
const SLAB = 1 << 20;
const MIN_READ = 64 * 1024;
/** Free slabs kept for reuse. */
const KEEP = 8;

/** Received bytes, and how many hold them: the batches read from it, and the reader while it fills it. */
export type Slab = { buf: Buffer; refs: number };

/**
 * Handed a slab's bytes so far, b = [0, fill), and where its unparsed bytes start: answers
 * where they start now (the whole frames before it taken).
 */
export type Parse = (b: Buffer, pos: number, slab: Slab) => number;

const digits = (b: Buffer, s: number, e: number) => {
  let n = 0;
  for (let i = s; i < e; i++) n = n * 10 + ((b[i] as number) - 48);
  return n;
};

/** The size of the frame at b[pos, fill), or 0 while its first line is not all there. */
function frameSize(b: Buffer, pos: number, fill: number): number {
  let eol = b.indexOf(CR, pos);
  while (eol >= 0 && eol + 1 < fill && b[eol + 1] !== LF) eol = b.indexOf(CR, eol + 1);
  if (eol < 0 || eol + 1 >= fill) return 0;
  if (b[pos] !== 72 && b[pos] !== 77) return eol + 2 - pos;
  let s = eol;
  while (s > pos && b[s - 1] !== SPACE) s--;
  return eol + 2 - pos + digits(b, s, eol) + 2;
}

/** Where reads land (`buffer`, net's onread), what they add (`got`), and slabs handed back. */
function slabs() {
  const free: Slab[] = [];
  const take = (size: number): Slab => {
    const i = free.findIndex((s) => s.buf.length >= size);
    const slab =
      i < 0 ? { buf: Buffer.allocUnsafe(Math.max(size, SLAB)), refs: 0 } : (free.splice(i, 1)[0] as Slab);
    slab.refs = 1;
    return slab;
  };
  const release = (slab: Slab) => {
    if (--slab.refs === 0 && free.length < KEEP) free.push(slab);
  };
  let cur = take(SLAB);
  let fill = 0;
  let pos = 0;
  // Until the handshake is done, bytes wait unparsed.
  let parse: Parse = (_, p) => p;
  return {
    release,
    /** The next read's room: the current slab while the frame being read fits, else a fresh one. */
    buffer: (): Buffer => {
      const need = frameSize(cur.buf, pos, fill);
      if (cur.buf.length - fill >= MIN_READ && pos + need <= cur.buf.length) return cur.buf.subarray(fill);
      const slab = take(need + MIN_READ);
      cur.buf.copy(slab.buf, 0, pos, fill);
      release(cur);
      cur = slab;
      fill -= pos;
      pos = 0;
      return cur.buf.subarray(fill);
    },
    got: (n: number): void => {
      fill += n;
      pos = parse(cur.buf.subarray(0, fill), pos, cur);
    },
    /** Parses with `p` from now on, starting with what is in already. */
    parseWith: (p: Parse): void => {
      parse = p;
      pos = parse(cur.buf.subarray(0, fill), pos, cur);
    },
  };
}

export type WireSocket = {
  socket: Socket;
  /** Every received frame from now on goes to `parse` (and those received already). */
  parseWith: (parse: Parse) => void;
  /** A batch read from `slab` is done with: its memory may be read into again. */
  release: (slab: Slab) => void;
};

/** Connects, answers INFO with CONNECT (over TLS when the server asks or the URL says tls:). */
export async function dialWire(url: URL, name: string): Promise<WireSocket> {
  const reads = slabs();
  const host = url.hostname;
  const port = Number(url.port || 4222);
  const info = (socket: Socket) =>
    new Promise<{ tls_required?: boolean }>((resolve, reject) => {
      socket.once('error', reject);
      reads.parseWith((b, pos) => {
        const eol = b.indexOf(CR, pos);
        if (eol < 0 || b[eol + 1] !== LF) return pos;
        socket.off('error', reject);
        reads.parseWith((_, p) => p);
        resolve(JSON.parse(b.toString('utf8', pos + 5, eol)));
        return eol + 2;
      });
    });
  let socket: Socket | undefined;
  if (url.protocol !== 'tls:') {
    // A pause asked for while parsing holds (net's onread reads on only when told to resume).
    const callback = (n: number) => {
      reads.got(n);
      return true;
    };
    const plain = tcp({ host, port, onread: { buffer: reads.buffer, callback } });
    if ((await info(plain)).tls_required) plain.destroy();
    else socket = plain;
  }
  if (!socket) {
    // TLS: a socket of its own, whose decrypted reads are copied into the slabs.
    const copyIn = (d: Buffer) => {
      for (let at = 0; at < d.length; ) {
        const n = d.copy(reads.buffer(), 0, at);
        at += n;
        reads.got(n);
      }
    };
    const plain = tcp({ host, port });
    plain.on('data', copyIn);
    await info(plain);
    plain.off('data', copyIn).pause();
    const secure = tlsConnect({ socket: plain, servername: host });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    secure.on('data', copyIn);
    socket = secure;
  }
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const auth = user && pass ? { user, pass } : user ? { auth_token: user } : {};
  const options = { verbose: false, pedantic: false, headers: true, no_responders: true, protocol: 1 };
  socket.write(`CONNECT ${JSON.stringify({ ...options, ...auth, name, lang: 'hearth', version: '1' })}\r\n`);
  return { socket, parseWith: reads.parseWith, release: reads.release };
}
