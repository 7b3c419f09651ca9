import { type Kysely, sql } from 'kysely';

// Frozen. The transactional outbox: triggers on better-auth's tables record each fact in the
// same transaction as the write, whatever code path made it. They stay silent when the
// write comes from the log itself (identity_access sets hearth.origin = 'log' for its transaction).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE auth.outbox (
      id bigserial PRIMARY KEY,
      type text NOT NULL,
      user_id text NOT NULL DEFAULT '',
      payload jsonb NOT NULL,
      actor_id text NOT NULL DEFAULT '',
      on_behalf_of text NOT NULL DEFAULT '',
      occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      published_at timestamptz,
      seq bigint,
      -- Set instead of seq when the row could not be encoded; it is skipped, not retried.
      error text
    )`.execute(db);
  await sql`CREATE INDEX outbox_pending ON auth.outbox (id) WHERE published_at IS NULL`.execute(db);
  await sql`CREATE INDEX outbox_user ON auth.outbox (user_id, type, id)`.execute(db);

  await sql`
    CREATE FUNCTION auth.outbox_record(kind text, uid text, body jsonb, actor text, behalf text)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('hearth.origin', true), '') = 'log' THEN RETURN; END IF;
      INSERT INTO auth.outbox (type, user_id, payload, actor_id, on_behalf_of)
        VALUES (kind, uid, body, coalesce(actor, ''), coalesce(behalf, ''));
      -- Delivered at commit, so the relay never wakes before the row is visible.
      PERFORM pg_notify('hearth_outbox', '');
    END $$`.execute(db);

  await sql`
    CREATE FUNCTION auth.outbox_user_registered() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM auth.outbox_record('userRegistered', NEW.id,
        jsonb_build_object('userId', NEW.id, 'email', NEW.email, 'name', NEW.name,
          'role', coalesce(NEW.role, '')),
        NEW.id, '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbox_user_registered AFTER INSERT ON auth."user"
    FOR EACH ROW EXECUTE FUNCTION auth.outbox_user_registered()`.execute(db);

  // Only the fields that changed; an emptied image travels as ''.
  await sql`
    CREATE FUNCTION auth.outbox_profile_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE body jsonb := jsonb_build_object('userId', NEW.id);
    BEGIN
      IF NEW.name IS DISTINCT FROM OLD.name THEN
        body := body || jsonb_build_object('name', NEW.name);
      END IF;
      IF NEW.image IS DISTINCT FROM OLD.image THEN
        body := body || jsonb_build_object('image', coalesce(NEW.image, ''));
      END IF;
      PERFORM auth.outbox_record('profileUpdated', NEW.id, body, NEW.id, '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbox_profile_updated AFTER UPDATE OF name, image ON auth."user"
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.image IS DISTINCT FROM NEW.image)
    EXECUTE FUNCTION auth.outbox_profile_updated()`.execute(db);

  await sql`
    CREATE FUNCTION auth.outbox_password_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM auth.outbox_record('passwordChanged', NEW."userId",
        jsonb_build_object('userId', NEW."userId"), NEW."userId", '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbox_password_changed AFTER UPDATE OF password ON auth.account
    FOR EACH ROW WHEN (OLD.password IS DISTINCT FROM NEW.password)
    EXECUTE FUNCTION auth.outbox_password_changed()`.execute(db);

  // During impersonation the admin is the actor, acting on behalf of the user.
  await sql`
    CREATE FUNCTION auth.outbox_signed_in() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM auth.outbox_record('signedIn', NEW."userId",
        jsonb_build_object('userId', NEW."userId", 'sessionId', NEW.id,
          'ipAddress', coalesce(NEW."ipAddress", ''), 'userAgent', coalesce(NEW."userAgent", '')),
        coalesce(NEW."impersonatedBy", NEW."userId"),
        CASE WHEN NEW."impersonatedBy" IS NULL THEN '' ELSE NEW."userId" END);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbox_signed_in AFTER INSERT ON auth.session
    FOR EACH ROW EXECUTE FUNCTION auth.outbox_signed_in()`.execute(db);

  // better-auth also deletes sessions it finds expired: that is no sign-out.
  await sql`
    CREATE FUNCTION auth.outbox_signed_out() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM auth.outbox_record('signedOut', OLD."userId",
        jsonb_build_object('userId', OLD."userId", 'sessionId', OLD.id),
        coalesce(OLD."impersonatedBy", OLD."userId"),
        CASE WHEN OLD."impersonatedBy" IS NULL THEN '' ELSE OLD."userId" END);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER outbox_signed_out AFTER DELETE ON auth.session
    FOR EACH ROW WHEN (OLD."expiresAt" > now())
    EXECUTE FUNCTION auth.outbox_signed_out()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS outbox_signed_out ON auth.session`.execute(db);
  await sql`DROP TRIGGER IF EXISTS outbox_signed_in ON auth.session`.execute(db);
  await sql`DROP TRIGGER IF EXISTS outbox_password_changed ON auth.account`.execute(db);
  await sql`DROP TRIGGER IF EXISTS outbox_profile_updated ON auth."user"`.execute(db);
  await sql`DROP TRIGGER IF EXISTS outbox_user_registered ON auth."user"`.execute(db);
  for (const fn of ['signed_out', 'signed_in', 'password_changed', 'profile_updated', 'user_registered']) {
    await sql`DROP FUNCTION IF EXISTS ${sql.raw(`auth.outbox_${fn}`)}()`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS auth.outbox_record(text, text, jsonb, text, text)`.execute(db);
  await sql`DROP TABLE IF EXISTS auth.outbox`.execute(db);
}
