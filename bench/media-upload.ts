// The media figure itself: uploads of the 2 MP sample through a whole hub (a real HTTP server,
// a private clamd, the Object Store), from uploaders in a process of their own
// (bench/upload-generator.ts).
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { createNames } from '../contracts/subjects.ts';
import { startClamd } from '../test/clamd.ts';
import { startBenchHub } from './bench-hub.ts';
import { inChild } from './http-paths.ts';
import { signUp } from './invites.ts';
import { percentile, round } from './lanes.ts';
import type { MeasureUpload } from './media.ts';
import type { UploadLoad, UploadLoadOptions } from './upload-generator.ts';

const GENERATOR = fileURLToPath(new URL('./upload-generator.ts', import.meta.url));

export const measureUpload: MeasureUpload = async ({ ctx, sample, runs, uploaders }) => {
  const clamd = await startClamd();
  const bench = await startBenchHub(ctx, 'mediaup', undefined, { CLAMD_URL: clamd.url });
  try {
    const cookie = await signUp(bench.base, bench.origin, 'admin@bench.test');
    const { samples, seconds } = await inChild<UploadLoad>(GENERATOR, {
      base: bench.base,
      headers: { cookie, origin: bench.origin },
      samplePath: sample.path,
      uploaders,
      total: Math.max(runs, uploaders),
    } satisfies UploadLoadOptions);
    return {
      label: 'upload until its thumbnail downloads, p50',
      unit: 'ms',
      value: round(percentile(samples, 50), 2),
      count: samples.length,
      seconds: round(seconds, 3),
      details: {
        p99Ms: round(percentile(samples, 99), 2),
        uploadsPerSecond: round(samples.length / seconds, 2),
        uploaders,
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
