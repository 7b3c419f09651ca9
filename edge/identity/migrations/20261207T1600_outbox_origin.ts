import { type Kysely, sql } from 'kysely';

// Frozen. Each outbox row records where the request that wrote it came from: the edge sets
// hearth.client_ip and hearth.user_agent for the transaction (edge/identity/write-origin.ts),
// and the one function every trigger calls copies them. A write outside a request has neither:
// ''. The lengths are the edge's own caps, kept here too so no row can hold more.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE auth.outbox
      ADD COLUMN client_ip text NOT NULL DEFAULT '',
      ADD COLUMN user_agent text NOT NULL DEFAULT ''`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION auth.outbox_record(kind text, uid text, body jsonb, actor text, behalf text)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('hearth.origin', true), '') = 'log' THEN RETURN; END IF;
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
