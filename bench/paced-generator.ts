// The fixed-rate load generator, in a process of its own like load-generator.ts: requests start
// at evenly spaced times (every 1000/rate ms), whatever the answers before them are doing, over
// a keep-alive pool of `connections`. Latency runs from the time a request was due, so a hub
// that falls behind is charged for the wait. (autocannon's overallRate is a per-second budget
// each connection spends at once: a burst at the top of every second, then silence.)
import { Agent, request } from 'node:http';

export type PacedOptions = {
  url: string;
  rate: number;
  duration: number;
  connections: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
};

const o = JSON.parse(process.argv[2] ?? '{}') as PacedOptions;
const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
const url = new URL(o.url);
const latencies: number[] = [];
let non2xx = 0;
let errors = 0;

function send(due: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: o.method ?? 'GET',
        headers: o.headers,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - due);
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) non2xx++;
          resolve();
        });
      },
    );
    req.on('error', (err) => {
      errors++;
      process.stderr.write(`paced generator: ${err.message}\n`);
      resolve();
    });
    req.end(o.body);
  });
}

const interval = 1000 / o.rate;
const total = Math.round(o.rate * o.duration);
const start = performance.now();
const inFlight: Promise<void>[] = [];
let next = 0;
await new Promise<void>((done) => {
  const tick = () => {
    // Everything due by now goes out now; the timer only wakes us.
    const now = performance.now();
    while (next < total && start + next * interval <= now) inFlight.push(send(start + next++ * interval));
    if (next >= total) return done();
    setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
  };
  tick();
});
await Promise.all(inFlight);
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  Math.round(
    (latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0) * 100,
  ) / 100;
agent.destroy();
process.stdout.write(
  `${JSON.stringify({ rps: total / seconds, p50Ms: at(50), p99Ms: at(99), total, non2xx, errors, seconds })}\n`,
);
