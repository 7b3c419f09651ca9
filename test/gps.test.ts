import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hasLocation } from './gps.ts';

const base = () => sharp({ create: { width: 32, height: 24, channels: 3, background: '#888' } });
const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '51/1 30/1 0/1',
  GPSLongitudeRef: 'W',
  GPSLongitude: '0/1 7/1 0/1',
};

describe('the tests’ own reader of location', () => {
  it('finds GPS in EXIF, in JPEG, PNG and WebP', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const)
      expect(await hasLocation(await base().withExif({ IFD3: GPS })[format]().toBuffer())).toBe(true);
  });

  it('finds GPS in XMP', async () => {
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.44N"/>' +
      '</rdf:RDF></x:xmpmeta>';
    expect(await hasLocation(await base().jpeg().withXmp(xmp).toBuffer())).toBe(true);
  });

  it('finds none where there is none, other EXIF or not', async () => {
    expect(await hasLocation(await base().jpeg().toBuffer())).toBe(false);
    expect(
      await hasLocation(
        await base()
          .withExif({ IFD0: { Make: 'Hearth' } })
          .jpeg()
          .toBuffer(),
      ),
    ).toBe(false);
  });
});
