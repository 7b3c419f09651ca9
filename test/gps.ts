// An independent reader of location in an image, for tests: it shares no code with the
// stripper (edge/media/exif.ts, location.ts). sharp (libvips, libexif) hands over the EXIF
// block and the XMP packet; a GPS IFD with entries in the one, or a GPS property in the other,
// is a location.
import sharp from 'sharp';

/** Whether the EXIF block (TIFF, after an optional "Exif\0\0") holds a GPS IFD with any entry. */
function exifHasGps(exif: Buffer | undefined): boolean {
  if (!exif || exif.length < 8) return false;
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  const order = tiff.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return false;
  const u16 = (at: number) => (order === 'II' ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (order === 'II' ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return false;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) return false;
    if (u16(entry) !== 0x8825) continue;
    const gps = u32(entry + 8);
    return gps + 2 <= tiff.length && u16(gps) > 0;
  }
  return false;
}

export async function hasLocation(image: Buffer | string): Promise<boolean> {
  const { exif, xmp } = await sharp(image).metadata();
  return exifHasGps(exif) || /GPS(Latitude|Longitude|Position)/.test(xmp?.toString('utf8') ?? '');
}
