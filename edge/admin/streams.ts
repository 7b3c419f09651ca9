// Each domain's stream as JetStream reports it: the figures the console and `hearth streams` show.
import type { StreamFigures } from '../../contracts/inspect.api.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import type { Log } from '../../writers/log/open.ts';

export async function streamFigures(log: Log): Promise<StreamFigures[]> {
  const out: StreamFigures[] = [];
  for (const domain of DOMAINS) {
    const stream = log.names.stream(domain);
    const info = await log.link
      .reach(() => log.jsm.streams.info(stream))
      .catch((err: unknown) => {
        throw toUnavailable(err);
      });
    out.push({
      domain,
      stream: info.config.name,
      subjects: info.config.subjects ?? [],
      messages: info.state.messages,
      bytes: info.state.bytes,
      firstSeq: info.state.first_seq,
      lastSeq: info.state.last_seq,
      firstTime: info.state.first_ts,
      lastTime: info.state.last_ts,
      numSubjects: info.state.num_subjects ?? 0,
      retention: String(info.config.retention),
      maxAgeDays: Math.round(info.config.max_age / 86_400e9),
    });
  }
  return out;
}
