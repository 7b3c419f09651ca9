// The media figure's uploaders, in a process of their own like the other load generators, so
// building and sending the multipart bodies costs the hub nothing: `uploaders` at once, each
// timed from the first byte sent until its thumbnail downloads. Every upload carries a few
// bytes of its own after the JPEG's end, so none is a duplicate that would skip the work.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { UploadResponse } from '../contracts/media.api.ts';

export type UploadLoadOptions = {
  base: string;
  headers: Record<string, string>;
  samplePath: string;
  uploaders: number;
  total: number;
};
export type UploadLoad = { samples: number[]; seconds: number };

const o = JSON.parse(process.argv[2] ?? '{}') as UploadLoadOptions;
const bytes = await readFile(o.samplePath);

async function one(): Promise<number> {
  const form = new FormData();
  form.append('type', 'photo');
  form.append('file', new Blob([new Uint8Array(Buffer.concat([bytes, randomBytes(16)]))]), 'sample.jpg');
  const start = performance.now();
  const res = await fetch(`${o.base}/api/v1/upload`, { method: 'POST', headers: o.headers, body: form });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  const up = (await res.json()) as UploadResponse & { seq: number };
  // ?after= waits until the read model has the file: downloadable from here.
  const thumb = await fetch(`${o.base}${up.thumbnail_url}&after=${up.seq}`, { headers: o.headers });
  if (thumb.status !== 200) throw new Error(`thumbnail: ${thumb.status} ${await thumb.text()}`);
  await thumb.arrayBuffer();
  return performance.now() - start;
}

await one(); // warm: sharp, the object store's bucket, the scanner's connection
const samples: number[] = [];
let left = o.total;
const started = performance.now();
await Promise.all(
  Array.from({ length: o.uploaders }, async () => {
    while (left > 0) {
      left--;
      samples.push(await one());
    }
  }),
);
const result: UploadLoad = { samples, seconds: (performance.now() - started) / 1000 };
process.stdout.write(`${JSON.stringify(result)}\n`);
