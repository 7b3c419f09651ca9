// Figure: the assistant's time to first token through Hearth beside talking directly to the
// same local streaming server (test/ollama.ts, Ollama's NDJSON protocol), `concurrency`
// conversations at a time, in rounds that take turns. Each prompt is new, so the prompt cache
// never answers. Through Hearth a prompt also writes PromptSubmitted before asking upstream.
import { startFakeOllama } from '../test/ollama.ts';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { round } from './lanes.ts';
import type { FigureResult, Measurement } from './types.ts';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** Milliseconds from sending the request to the first chunk that carries a token. */
async function firstToken(url: string, init: RequestInit, marker: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, init);
  if (!res.ok || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let seen = '';
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
    if (at === 0 && seen.includes(marker)) at = performance.now() - started;
  }
  if (at === 0) throw new Error(`${url}: no token`);
  return at;
}

export async function measureAssistant({
  ctx,
  conversations,
  concurrency = 16,
  rounds = 2,
  step,
}: {
  ctx: BenchContext;
  conversations: number;
  concurrency?: number;
  rounds?: number;
  step: (text: string) => void;
}): Promise<FigureResult> {
  const ollama = await startFakeOllama();
  ollama.pace = 0;
  const { base, origin, stop } = await startBenchHub(ctx, 'assistant', undefined, {
    OLLAMA_URL: ollama.url,
    HEARTH_COMMAND_RATE_LIMIT: '1000000',
  });
  try {
    const signed = await fetch(`${base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@bench.test', password: 'bench password 123', name: 'Ana' }),
    });
    const cookie = signed.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const headers = { cookie, origin, 'content-type': 'application/json' };
    let n = 0;
    const viaHearth = () =>
      firstToken(
        `${base}/api/v1/assistant/chat`,
        { method: 'POST', headers, body: JSON.stringify({ prompt: `Question ${n++}`, model: 'bench' }) },
        'event: token',
      );
    const direct = () =>
      firstToken(
        `${ollama.url}/api/chat`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'bench',
            messages: [{ role: 'user', content: `Question ${n++}` }],
            stream: true,
          }),
        },
        '"content"',
      );
    const run = async (ask: () => Promise<number>) => {
      const times: number[] = [];
      let left = conversations;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) times.push(await ask());
        }),
      );
      return times;
    };
    const totals = { hearth: [] as number[], direct: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      step(
        `assistant: ${conversations} conversations, ${concurrency} at a time, direct then through Hearth (round ${i + 1})`,
      );
      totals.direct.push(...(await run(direct)));
      totals.hearth.push(...(await run(viaHearth)));
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
    return {
      id: 'assistant',
      title: `Assistant time to first token, ${concurrency} concurrent conversations`,
      figure: {
        ...hearth,
        label: 'added by Hearth at p50',
        value: overhead,
        details: { ...hearth.details, hearthP50Ms: hearth.value },
      },
      baseline: straight,
      target: { description: 'at most 10 ms added at p50', below: 10 },
    };
  } finally {
    await stop();
    await ollama.stop();
  }
}
