// One aggregate at a sequence or a moment, with a page of its history: what the time-travel
// route answers and `hearth aggregate` prints. Names and ids are checked here, for both.
import { commonErrors } from '../../contracts/errors.ts';
import type { AggregateAt } from '../../contracts/inspect.api.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import type { Kept } from '../../projectors/log-keeper/registry.ts';
import type { Log } from '../../writers/log/open.ts';
import { readEvents } from '../../writers/log/read-events.ts';
import { plain } from './plain.ts';

// Ids are single subject tokens (a pair's two joined by ':'): no dots, no wildcards.
const ID = /^[A-Za-z0-9_-]{1,128}(:[A-Za-z0-9_-]{1,128})?$/;
// Lower camel case, as the registry names them ("apiKey").
const TYPE = /^[a-z][A-Za-z-]{0,31}$/;
export const PAGE = 50;

export function domainParam(value: string): Domain {
  if (!(DOMAINS as readonly string[]).includes(value))
    throw commonErrors.notFound(`No stream for domain ${value}.`);
  return value as Domain;
}

export async function aggregateAt({
  log,
  types,
  domain: domainName,
  type: typeName,
  id,
  atSeq,
  atTime,
  historyAfter = 0,
  maxFolded,
  signal,
}: {
  log: Log;
  /** aggregateTypes(log.names), by name ("chat.channel"). */
  types: ReadonlyMap<string, Kept>;
  domain: string;
  type: string;
  id: string;
  atSeq?: number | undefined;
  atTime?: Date | undefined;
  historyAfter?: number;
  /** Events folded at most (MAX_FOLDED unless given). */
  maxFolded?: number | undefined;
  /** The request's: a client that left stops the fold. */
  signal?: AbortSignal | undefined;
}): Promise<AggregateAt> {
  const domain = domainParam(domainName);
  const type = TYPE.test(typeName) ? types.get(`${domain}.${typeName}`) : undefined;
  if (!type) throw commonErrors.notFound(`No aggregate type ${domain}.${typeName}.`);
  if (!ID.test(id) || id.includes(':') !== type.pair)
    throw commonErrors.invalidRequest(
      type.pair ? 'This aggregate is named by two ids, as a:b.' : 'That is no aggregate id.',
      { field: 'id' },
    );
  if (atSeq !== undefined && atTime !== undefined)
    throw commonErrors.invalidRequest('Give a sequence or a time, not both.', { field: 'at_time' });
  const subject = type.subject(id);
  const at = await type.travel(log, subject, {
    ...(atSeq !== undefined && { atSeq }),
    ...(atTime !== undefined && { atTime }),
    ...(maxFolded !== undefined && { maxFolded }),
    ...(signal && { signal }),
  });
  const history = await readEvents({ log, domain, afterSeq: historyAfter, limit: PAGE, subject });
  return {
    domain,
    type: typeName,
    id,
    subject,
    state: plain(at.state),
    version: at.version,
    folded: at.folded,
    withheld: at.withheld,
    erased: at.erased,
    fromSnapshot: at.fromSnapshot,
    history,
  };
}
