// Busboy caps a part's headers at a fixed 16 KiB; Hearth allows 8. This pass-through watches
// the body for the boundary and measures each header block (from a delimiter to its blank
// line), failing the stream on the first one too long. It copies nothing but a block's first
// bytes: the file's bytes only pass through a boundary search.
import { Transform, type TransformCallback } from 'node:stream';

const EMPTY = Buffer.alloc(0);
const BLANK_LINE = Buffer.from('\r\n\r\n');
const DASH = 0x2d;

export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function limitPartHeaders(input: {
  boundary: string;
  maxBytes: number;
  tooLong: () => Error;
}): Transform {
  const { maxBytes } = input;
  const delimiter = Buffer.from(`\r\n--${input.boundary}`, 'latin1');
  let state: 'body' | 'headers' | 'done' = 'body';
  // As busboy does: the first delimiter needs no line break before it.
  let carry: Buffer = Buffer.from('\r\n');
  let headers: Buffer = EMPTY;

  const scan = (chunk: Buffer): Error | undefined => {
    let data = chunk;
    while (data.length > 0 && state !== 'done') {
      if (state === 'body') {
        const buf = carry.length > 0 ? Buffer.concat([carry, data]) : data;
        carry = EMPTY;
        const at = buf.indexOf(delimiter);
        if (at === -1) {
          // Keep what could be the start of a delimiter cut in two by the chunking.
          carry = Buffer.from(buf.subarray(Math.max(0, buf.length - (delimiter.length - 1))));
          return undefined;
        }
        data = buf.subarray(at + delimiter.length);
        state = 'headers';
        headers = EMPTY;
        continue;
      }
      const buf = Buffer.concat([headers, data.subarray(0, maxBytes + BLANK_LINE.length - headers.length)]);
      // "--" right after a delimiter closes the body; what follows is an epilogue.
      if (buf.length >= 2 && buf[0] === DASH && buf[1] === DASH) {
        state = 'done';
        return undefined;
      }
      const end = buf.indexOf(BLANK_LINE);
      if (end === -1) {
        if (buf.length > maxBytes + BLANK_LINE.length - 1) return input.tooLong();
        headers = Buffer.from(buf);
        return undefined;
      }
      if (end > maxBytes) return input.tooLong();
      data = data.subarray(end + BLANK_LINE.length - headers.length);
      headers = EMPTY;
      state = 'body';
    }
    return undefined;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, cb: TransformCallback) {
      const err = scan(chunk);
      if (err) cb(err);
      else cb(null, chunk);
    },
  });
}
