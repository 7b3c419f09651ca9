// The family itself: its name and who may sign up without an invite. One small aggregate, so
// a change is decided against what is set now (saving the same settings again changes nothing).
import { create } from '@bufbuild/protobuf';
import {
  FamilyNamedSchema,
  type IdentityEvent,
  IdentityEventSchema,
  SignUpPolicySetSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { identityErrors } from './errors.ts';
import type { IdentityEventBody } from './state.ts';

export const SIGN_UP_MODES = ['invites', 'domains', 'open'] as const;
export type SignUpMode = (typeof SIGN_UP_MODES)[number];
export type SignUpPolicy = { mode: SignUpMode; domains: string[] };

export const FAMILY_NAME_MAX = 80;
export const MAX_EMAIL_DOMAINS = 20;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** What an admin has set; null where nobody has yet (the hub's settings decide). */
export type Family = { name: string | null; signUp: SignUpPolicy | null };

export const initialFamily: Family = { name: null, signUp: null };

/** One command for both settings, so a change is taken whole or refused whole. */
export type FamilyCommand = {
  type: 'changeFamily';
  name?: string | undefined;
  signUp?: { mode: string; domains: string[] } | undefined;
};

export function isSignUpMode(value: string): value is SignUpMode {
  return (SIGN_UP_MODES as readonly string[]).includes(value);
}

export function evolveFamily(state: Family, event: IdentityEventBody): Family {
  switch (event.case) {
    case 'familyNamed':
      return { ...state, name: event.value.name };
    case 'signUpPolicySet': {
      const { mode, emailDomains } = event.value;
      return isSignUpMode(mode) ? { ...state, signUp: { mode, domains: [...emailDomains] } } : state;
    }
    default:
      // Accounts, sessions and invites are their own aggregates.
      return state;
  }
}

export function decideFamily(command: FamilyCommand, state: Family): IdentityEventBody[] {
  // Everything is checked before anything is decided: a bad domain refuses a new name too.
  const name = command.name === undefined ? undefined : familyName(command.name);
  const policy = command.signUp === undefined ? undefined : signUpPolicy(command.signUp);
  const events: IdentityEventBody[] = [];
  if (name !== undefined && name !== state.name) {
    events.push({ case: 'familyNamed', value: create(FamilyNamedSchema, { name }) });
  }
  const same =
    policy !== undefined &&
    state.signUp?.mode === policy.mode &&
    state.signUp.domains.join(',') === policy.domains.join(',');
  if (policy !== undefined && !same) {
    const value = create(SignUpPolicySetSchema, { mode: policy.mode, emailDomains: policy.domains });
    events.push({ case: 'signUpPolicySet', value });
  }
  return events;
}

function familyName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || [...name].length > FAMILY_NAME_MAX) {
    throw identityErrors.familyNameInvalid(undefined, { field: 'name' });
  }
  return name;
}

/** The policy as stored: domains lower-cased, de-duplicated and sorted, kept only for "domains". */
function signUpPolicy({ mode, domains }: { mode: string; domains: string[] }): SignUpPolicy {
  if (!isSignUpMode(mode)) throw identityErrors.unknownSignUpMode(undefined, { field: 'mode' });
  if (mode !== 'domains') return { mode, domains: [] };
  const clean = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/^@/, '')))].sort();
  if (clean.length === 0 || clean.length > MAX_EMAIL_DOMAINS)
    throw identityErrors.emailDomainsRequired(undefined, { field: 'domains' });
  const bad = clean.find((d) => !DOMAIN.test(d));
  if (bad !== undefined)
    throw identityErrors.emailDomainInvalid(`${bad} is not an email domain (like example.com).`, {
      field: 'domains',
    });
  return { mode, domains: clean };
}

export const familyAggregate: AggregateType<Family, FamilyCommand, IdentityEvent> = {
  domain: 'identity',
  envelope: IdentityEventSchema,
  // There is one family per hub: the id is not part of the subject.
  subject: (names) => names.identity.family(),
  decider: { initialState: initialFamily, evolve: evolveFamily, decide: decideFamily },
  concurrency: 'optimistic',
};
