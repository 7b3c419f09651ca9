// Media (issue #13): the upload of a 2 MP JPEG until its thumbnail is downloadable, with 8
// uploaders at once, beside the three steps it is made of, each measured alone in the same run:
// sharp's thumbnail, clamd's scan, and the Object Store's put. Target: the upload's p50 is at
// most 1.5× the sum of the three p50s.
//
// Each step runs alone (none of the others running) but 8 at once, as the uploads do: on a
// small host 8 uploads share its cores, and a step timed one at a time would compare a queue
// with an empty machine. Each step's one-at-a-time p50 is in its details. Every scan is of
// bytes clamd has not seen (clamd answers a file it already passed from its cache).
//
// This module measures the baselines and builds the rows; the upload itself goes through the
// hub's route, which the media domain owns: it passes `upload` (see MeasureUpload) and the
// figure row appears, else the row says it is pending.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import sharp from 'sharp';
import { makeThumbnail } from '../edge/media/images.ts';
import { createScanner } from '../edge/media/scanner.ts';
import { startClamd, withoutClamd } from '../test/clamd.ts';
import { openBlobStore } from '../writers/media/blobs.ts';
import type { BenchContext } from './context.ts';
import { percentile, round } from './lanes.ts';
import type { FigureResult, Measurement } from './types.ts';

/** The sample every step and the upload use: a 2 MP JPEG, about as heavy as a phone's photo. */
export type MediaSample = { path: string; sizeBytes: number; width: number; height: number };

/** The domain's full figure: uploads of the sample, 8 at once, each until its thumbnail downloads. */
export type MeasureUpload = (input: {
  ctx: BenchContext;
  sample: MediaSample;
  runs: number;
  uploaders: number;
}) => Promise<Measurement>;

/** Uploads at once in the figure, and so steps at once in each baseline. */
const UPLOADERS = 8;

const ms = (xs: number[], p: number) => round(percentile(xs, p), 2);

function latency(label: string, step: { together: number[]; alone: number[] }): Measurement {
  const { together, alone } = step;
  return {
    label: `${label}, ${UPLOADERS} at once, p50`,
    unit: 'ms',
    value: ms(together, 50),
    count: together.length,
    seconds: round(together.reduce((a, b) => a + b, 0) / 1000, 3),
    details: {
      p99Ms: ms(together, 99),
      maxMs: round(Math.max(...together), 2),
      oneAtATimeP50Ms: ms(alone, 50),
    },
  };
}

/** The step `runs` times one at a time, then `runs` times UPLOADERS at once: each run's time. */
async function timeStep(runs: number, work: (i: number) => Promise<unknown>) {
  const timed = async (i: number, into: number[]) => {
    const start = performance.now();
    await work(i);
    into.push(performance.now() - start);
  };
  const alone: number[] = [];
  for (let i = 0; i < runs; i++) await timed(i, alone);
  const together: number[] = [];
  let next = runs;
  await Promise.all(
    Array.from({ length: UPLOADERS }, async () => {
      while (next < 2 * runs) await timed(next++, together);
    }),
  );
  return { alone, together };
}

/** 1920×1080, smooth colour with a little noise: it compresses as a photo does, not as noise. */
export async function makeSample(dir: string): Promise<MediaSample> {
  const width = 1920;
  const height = 1080;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 42;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 16) % 24;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = ((x * 255) / width + noise()) & 0xff;
      pixels[i + 1] = ((y * 255) / height + noise()) & 0xff;
      pixels[i + 2] = (128 + 64 * Math.sin(x / 40) * Math.cos(y / 30) + noise()) & 0xff;
    }
  const file = path.join(dir, 'sample.jpg');
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toFile(file);
  return { path: file, sizeBytes: (await stat(file)).size, width, height };
}

export async function measureMedia(input: {
  ctx: BenchContext;
  runs: number;
  step: (text: string) => void;
  upload?: MeasureUpload;
}): Promise<FigureResult[]> {
  const { ctx, runs, step } = input;
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-bench-media-'));
  const names = ctx.names('media');
  try {
    const sample = await makeSample(dir);
    step(`media: baselines on a ${round(sample.sizeBytes / 1024)} KiB 2 MP JPEG, ${runs} runs each`);

    const thumbnails = await timeStep(runs, () =>
      makeThumbnail({ path: sample.path, contentType: 'image/jpeg' }),
    );

    let scans: { alone: number[]; together: number[] } | undefined;
    if (!withoutClamd) {
      // Bytes of its own for every scan, as every upload of the figure has.
      const original = await readFile(sample.path);
      const variants = await Promise.all(
        Array.from({ length: 2 * runs }, async (_, i) => {
          const file = path.join(dir, `scan-${i}.jpg`);
          await writeFile(file, Buffer.concat([original, randomBytes(16)]));
          return file;
        }),
      );
      const clamd = await startClamd();
      try {
        const scanner = createScanner({ url: clamd.url });
        scans = await timeStep(runs, async (i) => {
          const result = await scanner.scan(variants[i] as string);
          if (!result.clean) throw new Error('the bench sample was found infected');
        });
      } finally {
        await clamd.stop();
      }
    }

    const store = await openBlobStore({ spec: 'nats', nc: ctx.nc, names });
    const puts = await timeStep(runs, (i) => store.put(`bench-${i}`, sample.path));

    const steps: FigureResult[] = [
      row(
        'media-thumbnail',
        'Media: sharp thumbnail of a 2 MP JPEG, alone (8 at once)',
        latency('thumbnail (webp, 256 px)', thumbnails),
      ),
      scans
        ? row(
            'media-scan',
            'Media: clamd INSTREAM scan of a 2 MP JPEG, alone (8 at once)',
            latency('clamd scan', scans),
          )
        : {
            id: 'media-scan',
            title: 'Media: clamd scan, alone',
            figure: null,
            baseline: null,
            pending: 'clamd is not installed',
          },
      row(
        'media-put',
        'Media: Object Store put of a 2 MP JPEG, alone (8 at once)',
        latency('object store put', puts),
      ),
    ];
    const sum = [thumbnails, scans, puts].reduce(
      (total, step) => total + (step ? percentile(step.together, 50) : 0),
      0,
    );
    const baseline: Measurement = {
      label: 'thumbnail + scan + put, sum of p50s',
      unit: 'ms',
      value: round(sum, 2),
      count: runs,
      seconds: round((sum * runs) / 1000, 3),
      details: { uploadersAtOnce: UPLOADERS },
    };
    const title = 'Media: upload of a 2 MP JPEG until its thumbnail downloads, 8 uploaders';
    if (!input.upload)
      return [
        ...steps,
        { id: 'media-upload', title, figure: null, baseline, pending: 'the upload route (media domain)' },
      ];
    step('media: uploads through the hub, 8 at once');
    const figure = await input.upload({ ctx, sample, runs, uploaders: UPLOADERS });
    return [
      ...steps,
      {
        id: 'media-upload',
        title,
        figure,
        baseline,
        target: { description: 'upload p50 ≤ 1.5 × (thumbnail + scan + put)', below: round(1.5 * sum, 2) },
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
    // The run's cleanup knows streams and KV buckets; the object store's stream is ours to remove.
    const jsm = await jetstreamManager(ctx.nc);
    await jsm.streams.delete(`OBJ_${names.kvBucket('media')}`).catch(() => undefined);
  }
}

/** A step alone: its p50 is the figure; it has no baseline of its own. */
function row(id: string, title: string, figure: Measurement): FigureResult {
  return { id, title, figure, baseline: null };
}
