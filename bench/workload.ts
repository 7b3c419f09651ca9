// The admin workload both writers run: each user goes through role changes and ban/unban in a
// fixed cycle, so every command is accepted and emits exactly one event. Each lane owns its
// users, so `lanes` appends are in flight on different aggregates and never on the same one.
import { performance } from 'node:perf_hooks';
import { percentile, timed } from './lanes.ts';
import type { Measurement } from './types.ts';

export type AccountStep =
  | { type: 'changeRole'; role: 'child' | 'member'; from: 'child' | 'member' }
  | { type: 'ban' }
  | { type: 'unban' };

const CYCLE: AccountStep[] = [
  { type: 'changeRole', role: 'child', from: 'member' },
  { type: 'ban' },
  { type: 'unban' },
  { type: 'changeRole', role: 'member', from: 'child' },
];

export type Workload = { users: number; commandsPerUser: number; lanes: number };
/** A slice of the rounds, so two writers can take turns on a host whose load drifts. */
export type Phase = { firstRound: number; rounds: number };
export type PhaseStats = { seconds: number; latencies: number[]; cpuUs: number };
export type Step = (user: number, command: AccountStep) => Promise<void>;

export const userId = (n: number) => `u${n}`;

export async function runPhase(
  { users, lanes }: Workload,
  { firstRound, rounds }: Phase,
  step: Step,
): Promise<PhaseStats> {
  const latencies: number[] = [];
  const lane = async (j: number) => {
    for (let r = firstRound; r < firstRound + rounds; r++) {
      const command = CYCLE[r % CYCLE.length] as AccountStep;
      for (let user = j; user < users; user += lanes) {
        const start = performance.now();
        await step(user, command);
        latencies.push(performance.now() - start);
      }
    }
  };
  const cpu = process.cpuUsage();
  const { seconds } = await timed(() => Promise.all(Array.from({ length: lanes }, (_, j) => lane(j))));
  const used = process.cpuUsage(cpu);
  return { seconds, latencies, cpuUs: used.user + used.system };
}

export function summarize(label: string, phases: PhaseStats[], details: Measurement['details']): Measurement {
  const seconds = phases.reduce((s, p) => s + p.seconds, 0);
  const latencies = phases.flatMap((p) => p.latencies);
  const count = latencies.length;
  return {
    label,
    unit: 'events/s',
    value: count / seconds,
    count,
    seconds,
    details: {
      ...details,
      phaseRates: phases.map((p) => Math.round(p.latencies.length / p.seconds)).join('/'),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      // This process's own CPU per append: on two cores, a client-bound path shows here.
      cpuUsPerAppend: Math.round(phases.reduce((s, p) => s + p.cpuUs, 0) / count),
    },
  };
}
