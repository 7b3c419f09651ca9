import { describe, expect, it } from 'vitest';
import { createNames } from '../../contracts/subjects.ts';
import { newApiKey, parseApiKey, secretMatches } from '../../writers/identity/api-key.ts';
import { decodeSnapshot, encodeSnapshot } from '../../writers/log/snapshot.ts';
import { aggregateTypes, typeOfSubject } from './registry.ts';

const names = createNames('ns1');
const types = aggregateTypes(names);
const of = (subject: string) => typeOfSubject(types, subject)?.name;

describe('the aggregate type of a subject', () => {
  it('names each aggregate by the shape of its subject', () => {
    expect(of(names.identity.account('u1'))).toBe('identity.account');
    expect(of(names.identity.sessions('u1'))).toBe('identity.sessions');
    expect(of(names.identity.invite('i1'))).toBe('identity.invite');
    expect(of(names.identity.family())).toBe('identity.family');
    expect(of(names.identity.apiKey('k1'))).toBe('identity.apiKey');
    expect(of(names.chat.members('c1'))).toBe('chat.channel');
    expect(of(names.chat.message('c1', 'm1'))).toBe('chat.message');
    expect(of(names.chat.read('c1', 'u1'))).toBe('chat.read');
    expect(of(names.play.rules())).toBe('play.rules');
    expect(of(names.play.settings())).toBe('play.settings');
    expect(of(names.play.match('m1'))).toBe('play.match');
    expect(of(names.play.chore('h1'))).toBe('play.chore');
    expect(of(names.play.completion('h1', 'd1'))).toBe('play.completion');
    expect(of(names.play.challenge('x1'))).toBe('play.challenge');
    expect(of(names.play.reward('x1', 'u1'))).toBe('play.reward');
    expect(of(names.home.inbox('u1'))).toBe('home.inbox');
    expect(of(names.media.blob('abc'))).toBe('media.blob');
    expect(of(names.media.album('a1'))).toBe('media.album');
    expect(of(names.media.settings())).toBe('media.settings');
    expect(of(names.media.rejection('r1'))).toBe('media.rejection');
    expect(of(names.media.avatar('u1'))).toBe('media.avatar');
    expect(of(names.audit.refusal('r1'))).toBe('audit.refusal');
    expect(of(names.preferences.member('u1'))).toBe('preferences.member');
  });

  it('knows no aggregate for subjects that are none, nor for another namespace', () => {
    expect(of(names.audit.chain('CHAT'))).toBeUndefined();
    expect(of(createNames('ns2').chat.members('c1'))).toBeUndefined();
    expect(of(`${names.chat.members('c1')}.extra`)).toBeUndefined();
  });

  it('keeps state only for the types whose decisions read it', () => {
    const stateless = types.filter((t) => !t.stateful).map((t) => t.name);
    expect(stateless.sort()).toEqual(
      ['audit.refusal', 'home.inbox', 'identity.sessions', 'media.avatar', 'media.rejection'].sort(),
    );
  });
});

describe("an API key's snapshot", () => {
  it('keeps what authenticates the key after its issuing event expires', () => {
    const made = newApiKey();
    const state = {
      status: 'issued' as const,
      keyId: made.keyId,
      name: 'Integration',
      scopes: ['chat:read' as const],
      expiresAtMs: 1,
      secretHash: made.secretHash,
      revoked: false,
    };
    const kept = types.find((t) => t.name === 'identity.apiKey');
    expect(kept?.stateful).toBe(true);
    const back = decodeSnapshot<typeof state>(
      encodeSnapshot({ seq: 1, state: kept?.keep(state) as typeof state }),
    ).state;
    expect(secretMatches(back, parseApiKey(made.key)?.secret ?? '')).toBe(true);
    expect(secretMatches(back, 'x'.repeat(43))).toBe(false);
  });
});
