// Figure: the assistant's time to first token through Hearth beside talking directly to the
// same local streaming server (test/ollama.ts, Ollama's NDJSON protocol), `concurrency`
// conversations at a time, in rounds that take turns. Each prompt is new, so the prompt cache
// never answers. Through Hearth a prompt also writes PromptSubmitted while asking upstream.
// The figure's model server answers as a local model does: a 60-word answer at 50 words a
// second, so 16 conversations are 16 people waiting on answers. Beside it, the same with a
// server that answers five words at once (pace 0): no time between conversations, a measure of
// how many prompts a second the hub takes rather than of the wait it adds.
import { ANSWER } from '../test/ollama.ts';
import type { Ask, Shape } from './assistant-peer.ts';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { forkHelper } from './ipc.ts';
import { round } from './lanes.ts';
import type { FigureResult, Measurement } from './types.ts';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** A local model's answer: 60 words, one every 20 ms. */
const PACED = { words: 60, paceMs: 20 };

export async function measureAssistant({
  ctx,
  conversations,
  saturated,
  concurrency = 16,
  rounds = 2,
  step,
}: {
  ctx: BenchContext;
  /** Conversations a round with the paced model server. */
  conversations: number;
  /** Conversations a round with the model server that answers at once. */
  saturated: number;
  concurrency?: number;
  rounds?: number;
  step: (text: string) => void;
}): Promise<FigureResult> {
  // The model server and the people asking it each run in a process of their own, as a model
  // server and browsers do, so the hub's event loop does only the hub's work.
  const model = forkHelper('./assistant-peer.ts');
  const people = forkHelper('./assistant-peer.ts');
  let stop: () => Promise<void> = async () => undefined;
  try {
    const ollamaUrl = await model.call<string>('start');
    const paced = Array.from({ length: PACED.words }, (_, i) => (i === 0 ? 'Word' : ` word${i}`));
    const hub = await startBenchHub(ctx, 'assistant', undefined, {
      OLLAMA_URL: ollamaUrl,
      HEARTH_COMMAND_RATE_LIMIT: '1000000',
    });
    stop = hub.stop;
    const { base, origin } = hub;
    const signed = await fetch(`${base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@bench.test', password: 'bench password 123', name: 'Ana' }),
    });
    const cookie = signed.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const json = { 'content-type': 'application/json' };
    const through = {
      url: `${base}/api/v1/assistant/chat`,
      headers: { ...json, cookie, origin },
      via: 'hearth',
      marker: 'event: token',
    } as const;
    const direct = {
      url: `${ollamaUrl}/api/chat`,
      headers: json,
      via: 'direct',
      marker: '"content"',
    } as const;
    const run = async (
      to: typeof through | typeof direct,
      count: number,
      words: readonly string[],
      paceMs: number,
    ) => {
      await model.call('shape', { words, paceMs } satisfies Shape);
      return people.call<number[]>('ask', { ...to, count, concurrency } satisfies Ask);
    };
    const totals = { hearth: [] as number[], direct: [] as number[] };
    const fast = { hearth: [] as number[], direct: [] as number[] };
    // Both ways warmed first (the helpers are new processes), then each round takes them in
    // turn, the other one first each time.
    await run(direct, concurrency * 2, ANSWER, 0);
    await run(through, concurrency * 2, ANSWER, 0);
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (['direct', 'hearth'] as const) : (['hearth', 'direct'] as const);
      step(
        `assistant: ${conversations} conversations, ${concurrency} at a time, a local model's pace, ${order.join(' then ')} (round ${i + 1})`,
      );
      for (const way of order)
        totals[way].push(
          ...(await run(way === 'direct' ? direct : through, conversations, paced, PACED.paceMs)),
        );
      step(
        `assistant: ${saturated} conversations, ${concurrency} at a time, answered at once (round ${i + 1})`,
      );
      for (const way of order)
        fast[way].push(...(await run(way === 'direct' ? direct : through, saturated, ANSWER, 0)));
    }
    const measured = (label: string, times: number[]): Measurement => {
      const sorted = [...times].sort((a, b) => a - b);
      return {
        label,
        unit: 'ms',
        value: round(percentile(sorted, 0.5), 2),
        count: times.length,
        seconds: 0,
        details: { p50Ms: round(percentile(sorted, 0.5), 2), p99Ms: round(percentile(sorted, 0.99), 2) },
      };
    };
    const hearth = measured('time to first token through Hearth (p50)', totals.hearth);
    const straight = measured('straight to the model server (p50), same run', totals.direct);
    const overhead = round(hearth.value - straight.value, 2);
    const fastHearth = measured('through Hearth, answered at once', fast.hearth);
    const fastDirect = measured('straight, answered at once', fast.direct);
    return {
      id: 'assistant',
      title: `Assistant time to first token, ${concurrency} concurrent conversations with a local model's pace`,
      figure: {
        ...hearth,
        label: 'added by Hearth at p50',
        value: overhead,
        details: {
          ...hearth.details,
          hearthP50Ms: hearth.value,
          answer: `${PACED.words} words, ${PACED.paceMs} ms apart`,
          atOnceAddedP50Ms: round(fastHearth.value - fastDirect.value, 2),
          atOnceHearthP50Ms: fastHearth.value,
          atOnceHearthP99Ms: fastHearth.details?.p99Ms ?? 0,
          atOnceDirectP50Ms: fastDirect.value,
        },
      },
      baseline: straight,
      target: { description: 'at most 10 ms added at p50', below: 10 },
    };
  } finally {
    await Promise.allSettled([stop(), people.close(), model.close()]);
  }
}
