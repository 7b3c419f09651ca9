import { type Kysely, sql } from 'kysely';

// Frozen. Each outbox row records where the request that wrote it came from: the edge sets
// hearth.client_ip and hearth.user_agent for the transaction (edge/identity/write-origin.ts),
// and the one function every trigger calls copies them. A write outside a request has neither:
// ''. The lengths are the edge's own caps, kept here too so no row can hold more.
// The edge also sets hearth.actor_id (and hearth.on_behalf_of while an admin acts as someone)
// from the request's session: when set, it is the actor, so an admin's change to a member's
// profile is recorded as the admin's; the row stays the member's.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The ALTER waits for every lock on the outbox (the relay's FOR UPDATE rows) and, while it
  // waits, queues every insert behind it: it gives up after a few seconds instead, and the
  // start (edge/identity/migrate.ts) tries again.
  await sql`SET LOCAL lock_timeout = '3s'`.execute(db);
  await sql`
    ALTER TABLE auth.outbox
      ADD COLUMN client_ip text NOT NULL DEFAULT '',
      ADD COLUMN user_agent text NOT NULL DEFAULT ''`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION auth.outbox_record(kind text, uid text, body jsonb, actor text, behalf text)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('hearth.origin', true), '') = 'log' THEN RETURN; END IF;
      IF coalesce(current_setting('hearth.actor_id', true), '') <> '' THEN
        actor := current_setting('hearth.actor_id', true);
        behalf := coalesce(nullif(current_setting('hearth.on_behalf_of', true), ''), behalf);
      END IF;
      INSERT INTO auth.outbox (type, user_id, payload, actor_id, on_behalf_of, client_ip, user_agent)
        VALUES (kind, uid, body, coalesce(actor, ''), coalesce(behalf, ''),
          left(coalesce(current_setting('hearth.client_ip', true), ''), 64),
          left(coalesce(current_setting('hearth.user_agent', true), ''), 256));
      -- Delivered at commit, so the relay never wakes before the row is visible.
      PERFORM pg_notify('hearth_outbox', '');
    END $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION auth.outbox_record(kind text, uid text, body jsonb, actor text, behalf text)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('hearth.origin', true), '') = 'log' THEN RETURN; END IF;
      INSERT INTO auth.outbox (type, user_id, payload, actor_id, on_behalf_of)
        VALUES (kind, uid, body, coalesce(actor, ''), coalesce(behalf, ''));
      PERFORM pg_notify('hearth_outbox', '');
    END $$`.execute(db);
  await sql`ALTER TABLE auth.outbox DROP COLUMN user_agent, DROP COLUMN client_ip`.execute(db);
}
