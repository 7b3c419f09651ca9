// The catalogue against the descriptors and the subject functions it is built from, and the
// generated files (catalog.comments.json, docs/events.md) against a fresh generation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMENTS_FILE, EVENTS_DOC, generateCatalog } from '../bin/catalog-sources.ts';
import { RETENTION_MS } from '../writers/log/open.ts';
import type { CatalogField, CatalogMessage } from './catalog.api.ts';
import { buildCatalog } from './catalog.ts';
import { ENVELOPES, HEADERS } from './events.ts';
import { createNames, DOMAINS } from './subjects.ts';

const names = createNames();
const catalog = buildCatalog({ names, retentionMs: RETENTION_MS });
const envelope = (domain: string) => {
  const found = catalog.envelopes.find((e) => e.domain === domain);
  if (!found) throw new Error(`no envelope for ${domain}`);
  return found;
};
const event = (domain: string, typeName: string) => {
  const found = envelope(domain).events.find((e) => e.type_name === typeName);
  if (!found) throw new Error(`no ${typeName} in ${domain}`);
  return found;
};
const field = (message: CatalogMessage, name: string): CatalogField => {
  const found = message.fields.find((f) => f.name === name);
  if (!found) throw new Error(`no ${name} in ${message.type_name}`);
  return found;
};

describe('the catalogue', () => {
  it('lists every event type of every envelope, in the oneof order', () => {
    expect(catalog.envelopes.map((e) => e.domain)).toEqual([...DOMAINS]);
    for (const domain of DOMAINS) {
      const oneof = ENVELOPES[domain].oneofs.find((o) => o.name === 'event');
      expect(envelope(domain).events.map((e) => [e.number, e.type_name])).toEqual(
        oneof?.fields.map((f) => [f.number, f.message?.typeName]),
      );
      expect(envelope(domain).type_name).toBe(ENVELOPES[domain].typeName);
      expect(envelope(domain).metadata).toBe('hearth.common.v1.EventMetadata');
    }
    const chat = envelope('chat').events;
    expect(chat.map((e) => e.case)).toContain('messagePosted');
    expect(chat.find((e) => e.field === 'member_erased')).toMatchObject({
      type_name: 'hearth.common.v1.MemberErased',
      audit_action: 'chat.MemberErased',
    });
  });

  it('marks the personal fields and who owns them, and what the audit log shows', () => {
    const posted = event('chat', 'hearth.chat.v1.MessagePosted');
    expect(posted.personal_owner).toBe('sender_id');
    expect(field(posted, 'content')).toMatchObject({
      type: 'string',
      kind: 'scalar',
      label: 'singular',
      personal: true,
      audit_shown: false,
      comment: 'At most 4,000 characters.',
    });
    expect(field(posted, 'channel_id')).toMatchObject({ personal: false, audit_shown: true });
    expect(field(posted, 'attachments')).toMatchObject({
      type: 'hearth.chat.v1.Attachment',
      kind: 'message',
      label: 'repeated',
    });
    const attachment = catalog.messages.find((m) => m.type_name === 'hearth.chat.v1.Attachment');
    expect(attachment && field(attachment, 'file_name')).toMatchObject({
      personal: true,
      audit_shown: false,
    });
    const registered = event('identity', 'hearth.identity.v1.UserRegistered');
    expect(registered.personal_owner).toBe('user_id');
    expect(field(registered, 'email').personal).toBe(true);
  });

  it('names an owner among its own fields for every event with personal fields; none is also shown', () => {
    for (const { events } of catalog.envelopes)
      for (const e of events) {
        const personal = e.fields.filter((f) => f.personal);
        expect(
          personal.filter((f) => f.audit_shown),
          e.type_name,
        ).toEqual([]);
        if (personal.length > 0)
          expect(
            e.fields.map((f) => f.name),
            e.type_name,
          ).toContain(e.personal_owner);
      }
  });

  it('carries the comments of the proto sources', () => {
    expect(event('chat', 'hearth.chat.v1.MessageDeleted').comment).toMatch(
      /^A tombstone: it carries no text/,
    );
    expect(envelope('chat').comment).toBe(
      'The payload of every CHAT message: metadata plus exactly one event.',
    );
    expect(field(event('identity', 'hearth.identity.v1.ProfileUpdated'), 'name').label).toBe('optional');
    const kinds = catalog.enums.find((e) => e.type_name === 'hearth.audit.v1.RefusalKind');
    expect(kinds?.values[1]).toMatchObject({ name: 'REFUSAL_KIND_FORBIDDEN', number: 1 });
  });

  it('has one stream per domain, kept 365 days', () => {
    expect(catalog.streams).toEqual(
      DOMAINS.map((domain) => ({
        domain,
        name: domain.toUpperCase(),
        subjects: `hearth.${domain}.>`,
        retention_ms: RETENTION_MS,
        retention_days: 365,
        envelope: ENVELOPES[domain].typeName,
      })),
    );
  });

  it('lists each header once, the type and correlation on every event', () => {
    expect(catalog.headers.map((h) => h.name).sort()).toEqual(Object.values(HEADERS).sort());
    expect(catalog.headers.filter((h) => h.always).map((h) => h.name)).toEqual([
      HEADERS.type,
      HEADERS.correlation,
    ]);
  });

  it('has every subject function of every domain, its pattern what the function makes', () => {
    for (const domain of DOMAINS) {
      const made = names[domain] as Record<string, (...ids: string[]) => string>;
      const listed = catalog.subjects.filter((s) => s.domain === domain);
      expect(listed.map((s) => s.name).sort()).toEqual(Object.keys(made).sort());
      for (const s of listed) {
        const ids = s.params.map((_, i) => `id${i}`);
        const filled = s.params.reduce((p, param, i) => p.replace(`{${param}}`, `id${i}`), s.pattern);
        expect(filled, `${domain}.${s.name}`).toBe(made[s.name]?.(...ids));
      }
    }
    expect(catalog.subjects.find((s) => s.domain === 'chat' && s.name === 'message')).toMatchObject({
      pattern: 'hearth.chat.channel.{channel_id}.message.{message_id}',
      doc: 'One message: posted, edited, deleted, reactions.',
    });
  });

  it("uses a namespace's names", () => {
    const spaced = buildCatalog({ names: createNames('ns1'), retentionMs: RETENTION_MS });
    expect(spaced.streams[1]).toMatchObject({ name: 'NS1_CHAT', subjects: 'ns1.hearth.chat.>' });
    expect(spaced.subjects.find((s) => s.name === 'family')?.pattern).toBe('ns1.hearth.identity.family');
  });
});

describe('the generated files', () => {
  const fresh = generateCatalog();

  it('contracts/catalog.comments.json is what `npm run catalog` writes now', () => {
    expect(JSON.parse(readFileSync(COMMENTS_FILE, 'utf8'))).toEqual(fresh.comments);
  });

  it('docs/events.md is what `npm run catalog` writes now', () => {
    expect(readFileSync(EVENTS_DOC, 'utf8')).toBe(fresh.markdown);
  });
});
