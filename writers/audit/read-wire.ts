// A stream's stored messages read off the NATS protocol itself, for verify: an ephemeral
// pull consumer (ack none) fed by several large pull requests in flight on a connection of
// its own, whose MSG/HMSG frames are parsed in place. Nothing is decoded and nothing is made
// per message: a batch is one buffer and the offsets of each message's subject, stored header
// block and payload, which chain.ts's linkWire hashes as they are.
import { type Socket, connect as tcp } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';

/** Offsets per message in a batch: seq, subject, subject end, headers, headers end, payload end. */
export const WIRE_FIELDS = 6;

export type WireBatch = { buf: Buffer; count: number; at: Float64Array };

const CRLF = Buffer.from('\r\n');
const SPACE = 32;
const DOT = 46;

const num = (b: Buffer, s: number, e: number) => {
  let n = 0;
  for (let i = s; i < e; i++) n = n * 10 + ((b[i] ?? 48) - 48);
  return n;
};

/** How many tokens after the stream sequence an ack subject has (3 or 4), learnt once per reader. */
type Ack = { seq: number; pending: number; after: number };

/**
 * Reads a JetStream ack subject ($JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>,
 * with domain and account hash after ACK, and a random token last, on newer servers) into `ack`:
 * the stream sequence, and how many messages the consumer has left after this one. Read from
 * the end: the stream's and consumer's names may be long.
 */
function readAck(b: Buffer, s: number, e: number, ack: Ack): void {
  if (ack.after === 0) {
    let dots = 0;
    for (let i = s; i < e; i++) if (b[i] === DOT) dots++;
    ack.after = dots + 1 === 12 ? 4 : 3;
  }
  let end = e;
  for (let k = 0; k <= ack.after; k++) {
    let start = end;
    while (start > s && b[start - 1] !== DOT) start--;
    if (k === ack.after - 3) ack.pending = num(b, start, end);
    if (k === ack.after) ack.seq = num(b, start, end);
    end = start - 1;
  }
}

/** The length of the frame `b` starts with, or 0 when its first line is not all there. */
function frameSize(b: Buffer): number {
  const eol = b.indexOf(CRLF);
  if (eol < 0) return 0;
  if (b[0] !== 72 && b[0] !== 77) return eol + 2;
  let s = eol;
  while (s > 0 && b[s - 1] !== SPACE) s--;
  return eol + 2 + num(b, s, eol) + 2;
}

type Dialled = { socket: Socket; first: Buffer };

/** Connects, answers INFO with CONNECT (TLS when the server asks), and hands back the socket. */
async function dial(url: URL, name: string): Promise<Dialled> {
  let socket: Socket = tcp({ host: url.hostname, port: Number(url.port || 4222) });
  const line = await new Promise<Buffer>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.indexOf(CRLF) < 0) return;
      socket.off('data', onData).off('error', reject);
      socket.pause();
      resolve(got);
    };
    socket.on('data', onData).once('error', reject);
  });
  const info = JSON.parse(line.subarray(5, line.indexOf(CRLF)).toString()) as { tls_required?: boolean };
  if (info.tls_required || url.protocol === 'tls:') {
    const plain = socket;
    socket = tlsConnect({ socket: plain, servername: url.hostname });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  }
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const auth = user && pass ? { user, pass } : user ? { auth_token: user } : {};
  const options = { verbose: false, pedantic: false, headers: true, no_responders: true, protocol: 1 };
  socket.write(`CONNECT ${JSON.stringify({ ...options, ...auth, name, lang: 'hearth', version: '1' })}\r\n`);
  return { socket, first: line.subarray(line.indexOf(CRLF) + 2) };
}

/**
 * Yields a stream's messages from `fromSeq` through its last sequence as it is when called,
 * in order, in batches of offsets into received buffers (valid as long as the batch is held).
 */
export async function* readWire({
  url,
  jsm,
  stream,
  fromSeq,
  batch = 2048,
  inFlight = 4,
}: {
  /** The server the reader connects to (nats://host:port, credentials in the URL if any). */
  url: string;
  jsm: JetStreamManager;
  stream: string;
  fromSeq: number;
  batch?: number;
  inFlight?: number;
}): AsyncGenerator<WireBatch> {
  const info = await jsm.streams.info(stream);
  const last = info.state.last_seq;
  const start = Math.max(fromSeq, 1);
  if (info.state.messages === 0 || last < Math.max(start, info.state.first_seq)) return;
  const consumer = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
    mem_storage: true,
    // Gone on its own if this reader dies.
    inactive_threshold: 30_000_000_000, // nanoseconds
  });
  const { socket, first } = await dial(new URL(url), `hearth-audit-read-${consumer.name}`);
  const inbox = `_HEARTH_AUDIT.${consumer.name}`;
  const pull = `PUB $JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer.name} ${inbox} `;
  // Requests wait on the server (up to `expires`) rather than come back empty: the read ends at
  // the last sequence, or at the message after which the consumer has nothing pending.
  const request = JSON.stringify({ batch, expires: 10_000_000_000 });
  const ask = () => socket.write(`${pull}${Buffer.byteLength(request)}\r\n${request}\r\n`);
  socket.write(`SUB ${inbox} 1\r\n`);
  for (let i = 0; i < inFlight; i++) ask();

  const queue: WireBatch[] = [];
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let pend = first;
  let received = 0;
  let at = new Float64Array(WIRE_FIELDS * 256);
  const ack: Ack = { seq: 0, pending: 0, after: 0 };

  /** Parses every whole frame in `pend`; a message at or past `last` (or a 404/408) ends it. */
  const parse = () => {
    let pos = 0;
    let count = 0;
    const b = pend;
    while (!done) {
      const eol = b.indexOf(CRLF, pos);
      if (eol < 0) break;
      const c0 = b[pos];
      if (c0 === 72 || c0 === 77) {
        // HMSG subject sid [reply] hdr total | MSG subject sid [reply] total: the numbers read
        // back from the line's end, the subject forward, the reply is what lies between (a
        // status has none). Fewer bytes looked at than splitting the line (it runs per event).
        const hmsg = c0 === 72;
        const subject = pos + (hmsg ? 5 : 4);
        let subjectEnd = subject;
        while (b[subjectEnd] !== SPACE && subjectEnd < eol) subjectEnd++;
        let e = eol;
        let s = e;
        while (b[s - 1] !== SPACE) s--;
        const total = num(b, s, e);
        let hdr = 0;
        if (hmsg) {
          e = s - 1;
          s = e;
          while (b[s - 1] !== SPACE) s--;
          hdr = num(b, s, e);
        }
        // After "<subject> <sid> ": this reader's only subscription is sid 1.
        const reply = subjectEnd + 3;
        const replyEnd = s - 1;
        const body = eol + 2;
        if (b.length < body + total + 2) break;
        if (replyEnd <= reply) {
          // A status: 404/408 end a request (asked again), 100 is a heartbeat; the rest are errors.
          const code = hmsg ? b.toString('latin1', body + 9, body + 12) : '';
          if (code === '404' || code === '408') ask();
          else if (code !== '100')
            failure = new Error(`audit read: ${b.toString('latin1', body, body + Math.min(hdr, 80)).trim()}`);
        } else {
          readAck(b, reply, replyEnd, ack);
          const seq = ack.seq;
          if ((count + 1) * WIRE_FIELDS > at.length) {
            const bigger = new Float64Array(at.length * 2);
            bigger.set(at);
            at = bigger;
          }
          const o = count * WIRE_FIELDS;
          at[o] = seq;
          at[o + 1] = subject;
          at[o + 2] = subjectEnd;
          at[o + 3] = body;
          at[o + 4] = body + hdr;
          at[o + 5] = body + total;
          count++;
          if (++received % batch === 0) ask();
          if (seq >= last || ack.pending === 0) done = true;
        }
        pos = body + total + 2;
      } else {
        // PING is answered; INFO, PONG and +OK are not; -ERR ends the read.
        if (c0 === 80 && b[pos + 1] === 73) socket.write('PONG\r\n');
        else if (c0 === 45) failure = new Error(`audit read: ${b.toString('latin1', pos, eol)}`);
        pos = eol + 2;
      }
      if (failure) done = true;
    }
    if (count > 0) {
      queue.push({ buf: b, count, at: at.slice(0, count * WIRE_FIELDS) });
      poke();
    }
    pend = b.subarray(pos);
  };

  socket.on('data', (d: Buffer) => {
    if (pend.length === 0) pend = d;
    else {
      // A frame cut in two: only it is copied whole, not the whole of the next buffer.
      const need = frameSize(Buffer.concat([pend, d.subarray(0, 4096)])) - pend.length;
      if (need > 0 && need <= d.length) {
        pend = Buffer.concat([pend, d.subarray(0, need)]);
        parse();
        pend = d.subarray(need);
      } else pend = Buffer.concat([pend, d]);
    }
    parse();
    if (done) poke();
    // Reading runs ahead of hashing by a few buffers at most.
    else if (queue.length > 16) socket.pause();
  });
  socket.on('error', (err) => {
    failure ??= err;
    done = true;
    poke();
  });
  socket.on('close', () => {
    if (!done) failure ??= new Error('audit read: the connection closed');
    done = true;
    poke();
  });
  socket.resume();
  parse();
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        if (queue.length < 4 && socket.isPaused()) socket.resume();
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    socket.destroy();
    await jsm.consumers.delete(stream, consumer.name).catch(() => undefined);
  }
}
