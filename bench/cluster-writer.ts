// Figure: the cost of replication. The writer's append (bench/writer.ts, the same workload as
// the writer figure) against a three-node JetStream cluster with every stream R3, beside the
// same against one node (R1), both private nats-servers of the bench's own started in the same
// run from the same binary. They take turns (one node, cluster, cluster, one node) so drifting
// load on a shared host falls on both alike. An R3 append is answered once two of the three
// nodes have stored it: a round trip between nodes and a second fsync'd write per event.
import { startPrivateCluster } from '../test/private-cluster.ts';
import { startPrivateNats } from '../test/private-nats.ts';
import { connectLog } from '../writers/log/connect.ts';
import type { BenchContext } from './context.ts';
import { round } from './lanes.ts';
import type { FigureResult } from './types.ts';
import { type Phase, type PhaseStats, runPhase, type Step, summarize, type Workload } from './workload.ts';
import { prepareHearth } from './writer.ts';

export async function measureClusterWriter({
  ctx,
  workload,
  step,
}: {
  ctx: BenchContext;
  workload: Workload;
  step: (text: string) => void;
}): Promise<FigureResult> {
  const { users, lanes } = workload;
  step('cluster: starting one nats-server, and three as a JetStream cluster');
  const single = await startPrivateNats();
  const cluster = await startPrivateCluster().catch(async (err) => {
    await single.cleanup();
    throw err;
  });
  const namespace = `b${ctx.runId}cw`;
  const logs: Awaited<ReturnType<typeof connectLog>>[] = [];
  try {
    const r1 = await connectLog({ servers: single.url, namespace, name: 'bench-r1', replicas: 1 });
    logs.push(r1);
    const r3 = await connectLog({ servers: cluster.urls, namespace, name: 'bench-r3', replicas: 3 });
    logs.push(r3);
    // The node the cluster's client sat on: its appends go through it to each stream's leader.
    const node = cluster.nodes.find((n) => n.port === Number(r3.nc.info?.port))?.name;
    const one = await prepareHearth({ log: r1, users });
    const three = await prepareHearth({ log: r3, users });
    const half = Math.ceil(workload.commandsPerUser / 2);
    const first: Phase = { firstRound: 0, rounds: half };
    const second: Phase = { firstRound: half, rounds: workload.commandsPerUser - half };
    const stats = { one: [] as PhaseStats[], three: [] as PhaseStats[] };
    const run = async (who: keyof typeof stats, append: Step, phase: Phase) => {
      step(
        `cluster: ${who === 'one' ? 'one node (R1)' : 'three nodes (R3)'}, rounds from ${phase.firstRound}`,
      );
      stats[who].push(await runPhase(workload, phase, append));
    };
    await run('one', one, first);
    await run('three', three, first);
    await run('three', three, second);
    await run('one', one, second);

    const figure = summarize(`createAppender().append, R3 on 3 nodes, ${lanes} in flight`, stats.three, {
      users,
    });
    const baseline = summarize(`the same, R1 on one node, ${lanes} in flight`, stats.one, { users });
    figure.details = {
      ...figure.details,
      ofOneNode: round(figure.value / baseline.value, 2),
      clientNode: node ?? 'unknown',
    };
    return {
      id: 'cluster-writer',
      title: 'writer append on a 3-node R3 cluster (the cost of replication)',
      figure,
      baseline,
    };
  } finally {
    for (const log of logs) await log.nc.close().catch(() => undefined);
    await cluster.cleanup();
    await single.cleanup();
  }
}
