// Location in EXIF, by hand: the GPS IFD (tag 0x8825 in IFD0) is where a camera writes where a
// photo was taken. Reading the TIFF structure ourselves lets a JPEG lose its GPS with its
// pixels untouched (no re-encode) and every other tag, orientation first, kept.

const GPS_IFD = 0x8825;
const TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};
const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

type Tiff = { buf: Buffer; base: number; le: boolean };

/** The TIFF inside an EXIF block ("Exif\0\0" + TIFF, as JPEG's APP1 and sharp's metadata().exif hold it). */
function tiffOf(exif: Buffer): Tiff | undefined {
  const base = exif.subarray(0, 6).equals(EXIF_HEADER) ? 6 : 0;
  if (exif.length < base + 8) return undefined;
  const order = exif.toString('latin1', base, base + 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  return { buf: exif, base, le: order === 'II' };
}

const u16 = (t: Tiff, at: number) => (t.le ? t.buf.readUInt16LE(at) : t.buf.readUInt16BE(at));
const u32 = (t: Tiff, at: number) => (t.le ? t.buf.readUInt32LE(at) : t.buf.readUInt32BE(at));
const inside = (t: Tiff, at: number, length: number) => at >= t.base && at + length <= t.buf.length;

type Entry = { at: number; tag: number; type: number; count: number; value: number };

function ifd(t: Tiff, offset: number): { at: number; entries: Entry[] } | undefined {
  const at = t.base + offset;
  if (!inside(t, at, 2)) return undefined;
  const n = u16(t, at);
  if (!inside(t, at, 2 + n * 12 + 4)) return undefined;
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const e = at + 2 + i * 12;
    entries.push({ at: e, tag: u16(t, e), type: u16(t, e + 2), count: u32(t, e + 4), value: u32(t, e + 8) });
  }
  return { at, entries };
}

const ifd0 = (t: Tiff) => ifd(t, u32(t, t.base + 4));

/** Whether the EXIF block has a GPS IFD with anything in it. */
export function hasGps(exif: Buffer | undefined): boolean {
  const t = exif && tiffOf(exif);
  const root = t && ifd0(t);
  const pointer = root?.entries.find((e) => e.tag === GPS_IFD);
  if (!t || !pointer) return false;
  return (ifd(t, pointer.value)?.entries.length ?? 0) > 0;
}

/**
 * A copy of the EXIF block without GPS: the GPS IFD and the values it points at are zeroed,
 * and its pointer leaves IFD0 (later entries move up, as TIFF allows). Undefined when there is
 * no GPS to remove or the block is not EXIF this can read (the caller then re-encodes).
 */
export function withoutGps(exif: Buffer): Buffer | undefined {
  const t0 = tiffOf(exif);
  if (!t0) return undefined;
  const t: Tiff = { ...t0, buf: Buffer.from(exif) };
  const root = ifd0(t);
  const index = root?.entries.findIndex((e) => e.tag === GPS_IFD) ?? -1;
  const pointer = root?.entries[index];
  if (!root || !pointer) return undefined;
  const gps = ifd(t, pointer.value);
  if (gps) {
    for (const e of gps.entries) {
      const size = (TYPE_SIZES[e.type] ?? 1) * e.count;
      if (size > 4 && inside(t, t.base + e.value, size))
        t.buf.fill(0, t.base + e.value, t.base + e.value + size);
    }
    t.buf.fill(0, gps.at, gps.at + 2 + gps.entries.length * 12 + 4);
  }
  // Drop the pointer: move the entries after it (and the next-IFD offset) up by one entry.
  const n = root.entries.length;
  const end = root.at + 2 + n * 12 + 4;
  t.buf.copy(t.buf, pointer.at, pointer.at + 12, end);
  t.buf.fill(0, end - 12, end);
  if (t.le) t.buf.writeUInt16LE(n - 1, root.at);
  else t.buf.writeUInt16BE(n - 1, root.at);
  return t.buf;
}

/** EXIF's orientation (1..8), or undefined. */
export function orientationOf(exif: Buffer | undefined): number | undefined {
  const t = exif && tiffOf(exif);
  const entry = t && ifd0(t)?.entries.find((e) => e.tag === 0x0112);
  if (!t || !entry) return undefined;
  return u16(t, entry.at + 8);
}
