// `npx hearth <command>`: operator commands against the hub's NATS and Postgres.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { CHAINED_STREAMS } from '../contracts/audit-chain.schema.ts';
import { listUsers } from '../projectors/identity-users/queries.ts';
import { exportStream } from '../writers/audit/export-file.ts';
import { createIdentityWriter } from '../writers/identity/commands.ts';
import { MAX_INVITE_USES } from '../writers/identity/invite.ts';
import { newInviteToken } from '../writers/identity/invite-token.ts';
import { isRole } from '../writers/identity/roles.ts';
import { INSPECT_USAGE, runInspect } from './admin/inspect-cli.ts';
import { rebuildCommand } from './admin/rebuild-cli.ts';
import { parsePublicKey, verifyKeyOf } from './audit/chain.ts';
import { type Infra, resolveInfra } from './boot/infra.ts';
import { readRuntimeFile } from './boot/runtime-file.ts';
import { BACKUP_USAGE, backupCommand, restoreCommand } from './cli/backup.ts';
import { tailCommand } from './cli/tail.ts';
import { loadSettings } from './config.ts';
import { createHub, type Hub } from './hub.ts';
import { DEFAULT_INVITE_EXPIRY, durationMs, makeInvite } from './identity/invites.ts';

const USAGE = `Usage: hearth <command>

Commands:
${INSPECT_USAGE}
  users                   the family's accounts, from the users read model
  read-models             each read model's position, lag and dead letters
  rebuild <read-model>... [--accept-differences] [--cancel]
                          replay a read model from the log beside the live one, compare
                          the two at the same sequence and switch only when equal (or
                          when the differences are accepted: the rules changed); Ctrl-C
                          or --cancel stops it and leaves the live one as it was. Several
                          read models of one stream are rebuilt together, from one read
  dead-letters            events a read model could not apply
  audit verify [--stream S] [--from-seq N] [--file F] [--public-key K]
                          check the hash chain of every stream (or S) against its signed
                          checkpoints, or an export file; exit 0 when everything verifies.
                          The checkpoints' public key: K (a file or base64, as GET
                          /api/v1/audit/public-key gives it), else that of
                          HEARTH_AUDIT_SIGNING_KEY, else of the data dir's secrets.json
  audit export-stream S   a stream's raw events as JSONL (seq, subject, headers, payload)
  tail <subject> [--from-seq N]
                          events on a subject (hearth.chat.>, or a domain: chat) live, one
                          decoded line each (personal fields sealed), until Ctrl-C
  invite --role child|member|admin [--expires 7d] [--uses 1]
                          an invite into the family: prints the link to share (expiry in
                          minutes, hours or days: 30m, 12h, 7d; at most 90 days)
${BACKUP_USAGE}

Uses NATS_URL and DATABASE_URL, else the running hub's (from .hearth/runtime.json), else the
same embedded defaults as npm start.`;

async function withHub<T>(fn: (hub: Hub, infra: Infra) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  const logger = pino({ level: settings.logLevel ?? 'warn' }, pino.destination(2));
  const { natsUrl, databaseUrl, dataDir } = settings.infra;
  // With no services named, the hub running from this data dir says where its are.
  const running = natsUrl || databaseUrl ? null : await readRuntimeFile(dataDir);
  const infra = await resolveInfra({
    settings: running
      ? { ...settings.infra, natsUrl: running.natsUrl, databaseUrl: running.databaseUrl }
      : settings.infra,
    logger,
    // The CLI only verifies: it never makes (and keeps) a signing key of its own.
    createAuditKey: false,
  });
  const hub = await createHub({
    natsUrl: infra.natsUrl,
    natsAuth: infra.natsAuth,
    databaseUrl: infra.databaseUrl,
    authSecret: infra.authSecret,
    auditSigningKey: infra.auditSigningKey,
    settings: running
      ? {
          ...settings,
          namespace: running.namespace,
          hub: { ...settings.hub, publicUrl: running.publicUrl ?? settings.hub.publicUrl },
        }
      : settings,
    logger,
  });
  try {
    return await fn(hub, infra);
  } finally {
    await hub.stop();
    await infra.stop();
  }
}

const print = (rows: object[]) => {
  if (rows.length === 0) process.stdout.write('(none)\n');
  else console.table(rows);
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      role: { type: 'string' },
      expires: { type: 'string' },
      uses: { type: 'string' },
      stream: { type: 'string' },
      'from-seq': { type: 'string' },
      file: { type: 'string' },
      'public-key': { type: 'string' },
      cancel: { type: 'boolean' },
      'accept-differences': { type: 'boolean' },
      subject: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      'at-seq': { type: 'string' },
      at: { type: 'string' },
      'include-secrets': { type: 'boolean' },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 1;
  }
  switch (command) {
    case 'streams':
    case 'consumers':
    case 'events':
    case 'aggregate':
      return withHub(({ deps }) =>
        runInspect({
          command,
          args: positionals.slice(1),
          options: values,
          deps,
          out: { table: print, line },
        }),
      ).catch((err: unknown) => {
        process.stderr.write(`hearth ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      });
    case 'users':
      return withHub(async ({ deps }) => {
        print(
          (await listUsers(deps.db)).map(({ id, email, name, role, banned, lastSignInAt }) => ({
            id,
            email,
            name,
            role,
            banned,
            lastSignInAt,
          })),
        );
        return 0;
      });
    case 'read-models':
      return withHub(async ({ deps }) => {
        print(await deps.projectors.status());
        return 0;
      });
    case 'dead-letters':
      return withHub(async ({ deps }) => {
        print(await deps.projectors.deadLetters.list({ status: 'parked' }));
        return 0;
      });
    case 'rebuild': {
      if (!arg) {
        process.stderr.write('hearth rebuild: name a read model (see `hearth read-models`)\n');
        return 1;
      }
      const names = positionals.slice(1);
      return withHub(async ({ deps }) => {
        const unknown = names.find((n) => !deps.projectors.names().includes(n));
        if (unknown !== undefined) {
          process.stderr.write(
            `hearth rebuild: no read model named ${unknown}; known: ${deps.projectors.names().join(', ')}\n`,
          );
          return 1;
        }
        return rebuildCommand({
          projectors: deps.projectors,
          names,
          cancel: values.cancel === true,
          acceptDifferences: values['accept-differences'] === true,
          out: process.stdout,
          err: process.stderr,
        });
      });
    }
    case 'invite':
      return invite(values);
    case 'audit':
      return audit(arg, positionals[2], values);
    case 'backup':
      return backupCommand({
        dir: arg,
        includeSecrets: values['include-secrets'] === true,
        settings: loadSettings(),
        out: line,
        err: (text) => process.stderr.write(`${text}\n`),
      });
    case 'restore':
      return restoreCommand({
        dir: arg,
        settings: loadSettings(),
        out: line,
        err: (text) => process.stderr.write(`${text}\n`),
      });
    case 'tail':
      return tailCommand({ subject: arg, fromSeqText: values['from-seq'], settings: loadSettings() });
    default:
      process.stderr.write(`hearth: unknown command ${command}\n\n${USAGE}\n`);
      return 1;
  }
}

async function audit(
  sub: string | undefined,
  target: string | undefined,
  options: {
    stream?: string | undefined;
    'from-seq'?: string | undefined;
    file?: string | undefined;
    'public-key'?: string | undefined;
  },
): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`hearth audit: ${message}\n`);
    return 1;
  };
  if (sub === 'export-stream') {
    const stream = target?.toUpperCase() ?? '';
    if (!isChained(stream)) return fail(`export-stream takes a stream: ${CHAINED_STREAMS.join(', ')}`);
    return withHub(async ({ deps }) => {
      await exportStream({ log: deps.log, stream, write: (line) => writeOut(`${line}\n`) });
      return 0;
    });
  }
  if (sub !== 'verify') return fail('use `hearth audit verify` or `hearth audit export-stream S`');
  const stream = options.stream?.toUpperCase();
  if (stream !== undefined && !isChained(stream))
    return fail(`--stream must be one of ${CHAINED_STREAMS.join(', ')}`);
  const fromSeq = options['from-seq'] === undefined ? undefined : Number(options['from-seq']);
  if (fromSeq !== undefined && (!Number.isSafeInteger(fromSeq) || fromSeq < 1))
    return fail('--from-seq must be a whole number from 1');
  const lines = options.file === undefined ? undefined : (await readFile(options.file, 'utf8')).split('\n');
  const given = options['public-key'];
  const givenKey = given === undefined ? undefined : await publicKeyFrom(given);
  if (givenKey instanceof Error) return fail(`--public-key: ${givenKey.message}`);
  return withHub(async ({ auditChain }, infra) => {
    const key = givenKey ?? (infra.auditSigningKey ? verifyKeyOf(infra.auditSigningKey) : undefined);
    if (!key)
      return fail(
        'no audit public key to verify with: pass --public-key <file|base64> (GET /api/v1/audit/public-key), ' +
          "set HEARTH_AUDIT_SIGNING_KEY, or run where the hub's data dir (.hearth/secrets.json) is",
      );
    const report = lines
      ? await auditChain.verifyFile({ stream: stream ?? streamOfExport(lines), lines, key })
      : await auditChain.verify({ stream, fromSeq, key });
    for (const s of report.streams) {
      const head = `${s.stream}: ${s.ok ? 'ok' : 'FAILED'}, events ${s.from_seq}–${s.to_seq} (${s.events}), ${s.checkpoints} checkpoints, signed through ${s.signed_through}`;
      writeOut(`${head}\n`);
      for (const p of s.problems) writeOut(`  seq ${p.seq}: ${p.kind}: ${p.detail}\n`);
    }
    writeOut(`${report.ok ? 'verified' : 'NOT verified'}\n`);
    return report.ok ? 0 : 1;
  });
}

const writeOut = (text: string) => process.stdout.write(text);
const line = (text: string) => writeOut(`${text}\n`);

/** --public-key: a file holding the key, else the key itself (base64). */
async function publicKeyFrom(given: string) {
  const text = await readFile(given, 'utf8').catch(() => given);
  try {
    return parsePublicKey(text);
  } catch {
    return new Error('not a file or an Ed25519 public key (PEM, or base64 of its 32 bytes or SPKI DER)');
  }
}
const isChained = (s: string): boolean => (CHAINED_STREAMS as readonly string[]).includes(s);

/** The stream of an export, from its first line's subject: [<namespace>.]hearth.<domain>.… */
function streamOfExport(lines: string[]): string {
  const first = lines.find((l) => l.trim() !== '');
  const subject = first ? String((JSON.parse(first) as { subject?: unknown }).subject ?? '') : '';
  const tokens = subject.split('.');
  return (tokens[tokens.indexOf('hearth') + 1] ?? '').toUpperCase();
}

/** Made by the operator at the machine: no account is its actor. */
async function invite(options: {
  role?: string | undefined;
  expires?: string | undefined;
  uses?: string | undefined;
}) {
  const fail = (message: string) => {
    process.stderr.write(`hearth invite: ${message}\n`);
    return 1;
  };
  const role = options.role ?? '';
  if (!isRole(role)) return fail('--role must be child, member or admin');
  const expiresInMs = durationMs(options.expires ?? DEFAULT_INVITE_EXPIRY);
  if (expiresInMs === undefined)
    return fail('--expires must be minutes, hours or days, such as 30m, 12h or 7d');
  const uses = Number(options.uses ?? '1');
  if (!Number.isInteger(uses) || uses < 1 || uses > MAX_INVITE_USES)
    return fail(`--uses must be a whole number from 1 to ${MAX_INVITE_USES}`);
  return withHub(async ({ deps }) => {
    const { invite } = await makeInvite({
      token: newInviteToken(),
      role,
      expiresInMs,
      maxUses: uses,
      baseURL: deps.config.publicUrl,
      meta: {
        commandId: randomUUID(),
        actorId: '',
        correlationId: randomUUID(),
        now: new Date(),
        retryable: false,
      },
      writer: createIdentityWriter({ appender: deps.appender }),
    });
    const people = invite.maxUses === 1 ? 'one person' : `${invite.maxUses} people`;
    process.stdout.write(
      `Invite for ${people} as ${invite.role}, until ${invite.expiresAt}. Share this link:\n\n  ${invite.link}\n\n`,
    );
    return 0;
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hearth: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
