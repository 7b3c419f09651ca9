// Sealing and opening an event's personal fields (contracts/proto/hearth/common/v1/personal.proto):
// which fields they are is read once per event type from the descriptors, so a field marked in
// a proto is sealed everywhere with no code naming it.
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import {
  create,
  type DescField,
  type DescMessage,
  fromBinary,
  getOption,
  hasOption,
  type Message,
  toBinary,
} from '@bufbuild/protobuf';
import {
  personal,
  personal_owner,
  type Sealed,
  SealedSchema,
} from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import { type Keyring, openingKey } from './keys.ts';

const NONCE = 12;
/** The key id of an event written for a member already erased: its personal fields were dropped. */
const ERASED = '-';
const TAG = 16;

type Part =
  | { kind: 'personal'; field: DescField; blank: () => unknown }
  | { kind: 'nested'; field: DescField & { message: DescMessage }; plan: Plan };
/** aad: the type name, the box's additional data. */
type Plan = { desc: DescMessage; parts: Part[]; owner: DescField | undefined; aad: Buffer };

const plans = new Map<string, Plan | null>();

function planOf(desc: DescMessage, seen = new Set<string>()): Plan | null {
  const cached = plans.get(desc.typeName);
  if (cached !== undefined) return cached;
  if (seen.has(desc.typeName)) return null;
  seen.add(desc.typeName);
  const parts: Part[] = [];
  for (const field of desc.fields) {
    if (hasOption(field, personal) && getOption(field, personal)) {
      parts.push({ kind: 'personal', field, blank: blankOf(field) });
    } else if (field.message && (field.fieldKind === 'message' || field.fieldKind === 'list')) {
      const plan = planOf(field.message, seen);
      if (plan)
        parts.push({ kind: 'nested', field: field as Part['field'] & { message: DescMessage }, plan });
    }
  }
  const ownerName = hasOption(desc, personal_owner) ? getOption(desc, personal_owner) : '';
  const owner = desc.fields.find((f) => f.name === ownerName);
  const plan = parts.length > 0 ? { desc, parts, owner, aad: Buffer.from(desc.typeName) } : null;
  plans.set(desc.typeName, plan);
  return plan;
}

/** Whether an event type has personal fields, and whose they are in this event ('' : the system's). */
export function personalOwner(desc: DescMessage, value: Message): string | undefined {
  const plan = planOf(desc);
  if (!plan) return undefined;
  if (!plan.owner) throw new Error(`${desc.typeName} has personal fields but names no personal_owner`);
  return String((value as Record<string, unknown>)[plan.owner.localName] ?? '');
}

type Fields = Record<string, unknown>;

/**
 * A copy of `from` without the plan's fields, which go into `to` (a new message of the same
 * type). `from` is left as it is; only the messages on the way to a personal field are copied
 * (a shallow copy each), which costs far less than cloning the event.
 */
function split(plan: Plan, from: Fields, to: Fields): Fields {
  const kept: Fields = { ...from };
  for (const part of plan.parts) {
    const name = part.field.localName;
    if (part.kind === 'personal') {
      to[name] = from[name];
      kept[name] = part.blank();
    } else if (part.field.fieldKind === 'list') {
      const items = (from[name] as Fields[]) ?? [];
      const taken: Fields[] = [];
      kept[name] = items.map((item) => {
        const copy = create(part.plan.desc) as Fields;
        taken.push(copy);
        return split(part.plan, item, copy);
      });
      to[name] = taken;
    } else if (from[name] !== undefined) {
      const copy = create(part.plan.desc) as Fields;
      kept[name] = split(part.plan, from[name] as Fields, copy);
      to[name] = copy;
    }
  }
  return kept;
}

/** Puts the plan's fields of `from` back into `into`. */
function give(plan: Plan, from: Fields, into: Fields): void {
  for (const part of plan.parts) {
    const name = part.field.localName;
    if (part.kind === 'personal') {
      if (from[name] !== undefined) into[name] = from[name];
    } else if (part.field.fieldKind === 'list') {
      const src = (from[name] as Fields[]) ?? [];
      const dst = (into[name] as Fields[]) ?? [];
      for (let i = 0; i < Math.min(src.length, dst.length); i++)
        give(part.plan, src[i] as Fields, dst[i] as Fields);
    } else if (from[name] !== undefined && into[name] !== undefined) {
      give(part.plan, from[name] as Fields, into[name] as Fields);
    }
  }
}

/** A field's value when unset (its default in a new message): what a reader of an erased member's event sees. */
function blankOf(field: DescField): () => unknown {
  const zero = (create(field.parent) as Fields)[field.localName];
  // Lists and bytes are objects: a fresh one each time, as a new message has.
  if (Array.isArray(zero)) return () => [];
  if (zero instanceof Uint8Array) return () => new Uint8Array(0);
  return () => zero;
}

/** Random nonces drawn a few kilobytes at a time: one call to the system's generator per 512 boxes. */
const noncePool = Buffer.alloc(NONCE * 512);
let nonceAt = noncePool.length;

function nextNonce(into: Uint8Array): void {
  if (nonceAt === noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  into.set(noncePool.subarray(nonceAt, nonceAt + NONCE));
  nonceAt += NONCE;
}

/**
 * The event as the log keeps it: its personal fields taken out and sealed under its owner's
 * key. The caller's message is left as it was. An erased owner's fields are dropped, never
 * written; an event of the system (no owner) keeps them in the clear.
 */
export function sealEvent<M extends Message>(
  desc: DescMessage,
  value: M,
  keys: Pick<Keyring, 'sealingKey'>,
): { value: M; sealed?: Sealed } {
  const owner = personalOwner(desc, value);
  if (!owner) return { value };
  const plan = planOf(desc) as Plan;
  const key = keys.sealingKey(owner);
  if (key === undefined)
    throw new Error(`no key loaded for ${owner}: the writer must await keys.ready first`);
  const taken = create(desc) as Fields;
  const kept = split(plan, value as unknown as Fields, taken) as unknown as M;
  // Nothing of theirs is kept, and readers are told why the fields are empty.
  if (key === 'erased') return { value: kept, sealed: create(SealedSchema, { keyId: ERASED }) };
  const plain = toBinary(desc, taken as never);
  // nonce ‖ ciphertext ‖ tag, written in place.
  const box = new Uint8Array(NONCE + plain.length + TAG);
  nextNonce(box);
  const cipher = createCipheriv('aes-256-gcm', key.key, box.subarray(0, NONCE));
  cipher.setAAD(plan.aad);
  box.set(cipher.update(plain), NONCE);
  cipher.final();
  box.set(cipher.getAuthTag(), NONCE + plain.length);
  return { value: kept, sealed: create(SealedSchema, { keyId: key.id, box }) };
}

/**
 * Puts an event's sealed fields back, in place: 'open' when read, 'erased' when its owner's
 * key was destroyed (the fields stay empty), 'clear' when nothing was sealed. Throws KeyPending
 * for a key not known here yet, and an Error for a box that does not open (altered bytes).
 */
export function openEvent(
  desc: DescMessage,
  value: Message,
  sealed: Sealed | undefined,
): 'open' | 'erased' | 'clear' {
  if (!sealed?.keyId) return 'clear';
  const plan = planOf(desc);
  if (!plan) return 'clear';
  if (sealed.keyId === ERASED) return 'erased';
  const key = openingKey(sealed.keyId);
  if (key === null) return 'erased';
  const box = sealed.box;
  if (box.length < NONCE + TAG) throw new Error('a sealed box too short to open');
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, NONCE));
  decipher.setAAD(plan.aad);
  decipher.setAuthTag(box.subarray(box.length - TAG));
  const plain = Buffer.concat([decipher.update(box.subarray(NONCE, box.length - TAG)), decipher.final()]);
  give(plan, fromBinary(desc, plain) as unknown as Fields, value as unknown as Fields);
  return 'open';
}

/** The fields a type seals, dotted through nested messages: for tests and the docs. */
export function personalFields(desc: DescMessage): string[] {
  const plan = planOf(desc);
  if (!plan) return [];
  const walk = (p: Plan, prefix: string): string[] =>
    p.parts.flatMap((part) =>
      part.kind === 'personal'
        ? [`${prefix}${part.field.name}`]
        : walk(part.plan, `${prefix}${part.field.name}.`),
    );
  return walk(plan, '');
}
