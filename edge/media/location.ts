// Location out of an image's container, pixels untouched: JPEG segments, PNG chunks, WebP's
// RIFF chunks. The EXIF block is patched in place (same length: withoutGps zeroes, never
// moves), an XMP packet that names a GPS position is dropped where the container allows it.
// The file is read whole: it is an upload, at most MAX_FILE_SIZE, and sharp reads it whole too.
import { readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { hasGps, withoutGps } from './exif.ts';

export type StripOutcome = 'unchanged' | 'stripped' | 'reencode';

const EXIF_APP1 = Buffer.from('Exif\0\0', 'latin1');
const XMP_APP1 = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** XMP says where in exif:GPSLatitude / GPSLongitude (or the IPTC location-shown fields). */
const xmpHasLocation = (packet: Buffer) =>
  /GPS(Latitude|Longitude|Altitude)|LocationShown/.test(packet.toString('latin1'));

type Piece = { start: number; end: number };
type Plan = { exif: Piece[]; drop: Piece[]; pngCrcFix: Piece[]; reencode: boolean } | undefined;

export async function stripLocationBytes(input: {
  from: string;
  to: string;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
}): Promise<StripOutcome> {
  const buf = await readFile(input.from);
  const plan =
    input.contentType === 'image/jpeg'
      ? planJpeg(buf)
      : input.contentType === 'image/png'
        ? planPng(buf)
        : planWebp(buf);
  // A structure this does not follow may still hide a location: sharp re-encodes it.
  if (!plan || plan.reencode) return 'reencode';
  let changed = false;
  for (const { start, end } of plan.exif) {
    const block = buf.subarray(start, end);
    if (!hasGps(block)) continue;
    const clean = withoutGps(block);
    if (!clean) return 'reencode';
    clean.copy(buf, start);
    changed = true;
  }
  // A PNG chunk's CRC covers its type and data: a patched eXIf needs a new one.
  for (const { start, end } of plan.pngCrcFix) buf.writeUInt32BE(crc32(buf.subarray(start, end)), end);
  if (!changed && plan.drop.length === 0) return 'unchanged';
  const kept: Buffer[] = [];
  let at = 0;
  for (const { start, end } of plan.drop) {
    kept.push(buf.subarray(at, start));
    at = end;
  }
  kept.push(buf.subarray(at));
  await writeFile(input.to, Buffer.concat(kept), { mode: 0o600 });
  return 'stripped';
}

function planJpeg(buf: Buffer): Plan {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) return undefined;
  const plan = { exif: [] as Piece[], drop: [] as Piece[], pngCrcFix: [], reencode: false };
  let pos = 2;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) return undefined;
    const marker = buf[pos + 1] ?? 0;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    // Start of scan: the metadata segments are all before it.
    if (marker === 0xda || marker === 0xd9) return plan;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = buf.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > buf.length) return undefined;
    if (marker === 0xe1) {
      const payload = buf.subarray(pos + 4, end);
      if (payload.subarray(0, EXIF_APP1.length).equals(EXIF_APP1)) plan.exif.push({ start: pos + 4, end });
      else if (payload.subarray(0, XMP_APP1.length).equals(XMP_APP1) && xmpHasLocation(payload))
        plan.drop.push({ start: pos, end });
    }
    pos = end;
  }
  return undefined;
}

function planPng(buf: Buffer): Plan {
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  const plan = { exif: [] as Piece[], drop: [] as Piece[], pngCrcFix: [] as Piece[], reencode: false };
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const dataStart = pos + 8;
    const end = dataStart + length + 4;
    if (end > buf.length) return undefined;
    if (type === 'eXIf') {
      plan.exif.push({ start: dataStart, end: dataStart + length });
      plan.pngCrcFix.push({ start: pos + 4, end: dataStart + length });
    } else if (type === 'iTXt' && xmpHasLocation(buf.subarray(dataStart, dataStart + length))) {
      plan.drop.push({ start: pos, end });
    }
    if (type === 'IEND') return plan;
    pos = end;
  }
  return undefined;
}

function planWebp(buf: Buffer): Plan {
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const plan = { exif: [] as Piece[], drop: [] as Piece[], pngCrcFix: [], reencode: false };
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const type = buf.toString('latin1', pos, pos + 4);
    const length = buf.readUInt32LE(pos + 4);
    const dataStart = pos + 8;
    if (dataStart + length > buf.length) return undefined;
    if (type === 'EXIF') plan.exif.push({ start: dataStart, end: dataStart + length });
    // Dropping a WebP chunk means rewriting the RIFF size and VP8X flags: sharp does that.
    if (type === 'XMP ' && xmpHasLocation(buf.subarray(dataStart, dataStart + length))) plan.reencode = true;
    pos = dataStart + length + (length % 2);
  }
  return plan;
}
