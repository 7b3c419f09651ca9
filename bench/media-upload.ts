// The media figure itself: uploads of the 2 MP sample through a whole hub (a real HTTP server,
// a private clamd, the Object Store), 8 uploaders at once, each timed from the first byte sent
// until its thumbnail downloads. Every upload carries a few bytes of its own after the JPEG's
// end, so none is a duplicate that would skip the thumbnail and the put.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import type { UploadResponse } from '../contracts/media.api.ts';
import { createNames } from '../contracts/subjects.ts';
import { startClamd } from '../test/clamd.ts';
import { startBenchHub } from './bench-hub.ts';
import { signUp } from './invites.ts';
import { percentile, round } from './lanes.ts';
import type { MeasureUpload } from './media.ts';

const UPLOADERS = 8;

export const measureUpload: MeasureUpload = async ({ ctx, sample, runs }) => {
  const clamd = await startClamd();
  const bench = await startBenchHub(ctx, 'mediaup', undefined, { CLAMD_URL: clamd.url });
  try {
    const cookie = await signUp(bench.base, bench.origin, 'admin@bench.test');
    const bytes = await readFile(sample.path);
    const headers = { cookie, origin: bench.origin };
    const one = async (): Promise<number> => {
      const form = new FormData();
      form.append('type', 'photo');
      form.append('file', new Blob([new Uint8Array(Buffer.concat([bytes, randomBytes(16)]))]), 'sample.jpg');
      const start = performance.now();
      const res = await fetch(`${bench.base}/api/v1/upload`, { method: 'POST', headers, body: form });
      if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
      const up = (await res.json()) as UploadResponse;
      // ?after= waits until the read model has the file: downloadable from here.
      const thumb = await fetch(`${bench.base}${up.thumbnail_url}&after=${up.seq}`, { headers });
      if (thumb.status !== 200) throw new Error(`thumbnail: ${thumb.status} ${await thumb.text()}`);
      await thumb.arrayBuffer();
      return performance.now() - start;
    };
    await one(); // warm: sharp, the object store's bucket, the scanner's connection
    const samples: number[] = [];
    const total = Math.max(runs, UPLOADERS);
    let left = total;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: UPLOADERS }, async () => {
        while (left > 0) {
          left--;
          samples.push(await one());
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      label: 'upload until its thumbnail downloads, p50',
      unit: 'ms',
      value: round(percentile(samples, 50), 2),
      count: samples.length,
      seconds: round(seconds, 3),
      details: {
        p99Ms: round(percentile(samples, 99), 2),
        uploadsPerSecond: round(samples.length / seconds, 2),
        uploaders: UPLOADERS,
      },
    };
  } finally {
    await bench.stop();
    await clamd.stop();
    // The run's cleanup knows streams and KV buckets; the hub's object store is ours to remove.
    const jsm = await jetstreamManager(ctx.nc);
    await jsm.streams
      .delete(`OBJ_${createNames(`b${ctx.runId}mediaup`).kvBucket('media')}`)
      .catch(() => undefined);
  }
};
