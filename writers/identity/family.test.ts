import { create } from '@bufbuild/protobuf';
import { describe, it } from 'vitest';
import {
  FamilyNamedSchema,
  SignUpPolicySetSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { familyAggregate } from './family.ts';
import type { IdentityEventBody } from './state.ts';

const spec = deciderSpec(familyAggregate.decider);
const named = (name: string): IdentityEventBody => ({
  case: 'familyNamed',
  value: create(FamilyNamedSchema, { name }),
});
const policy = (mode: string, emailDomains: string[] = []): IdentityEventBody => ({
  case: 'signUpPolicySet',
  value: create(SignUpPolicySetSchema, { mode, emailDomains }),
});

describe('naming the family', () => {
  it('names it, trimmed', () => {
    spec
      .given([])
      .when({ type: 'changeFamily', name: '  The Examples ' })
      .thenEmits([named('The Examples')]);
  });
  it('changes nothing when the name is the same', () => {
    spec
      .given([named('The Examples')])
      .when({ type: 'changeFamily', name: 'The Examples' })
      .thenNothing();
  });
  it('refuses a blank or overlong name', () => {
    spec.given([]).when({ type: 'changeFamily', name: '   ' }).thenFails('identity.family_name_invalid');
    spec
      .given([])
      .when({ type: 'changeFamily', name: 'x'.repeat(81) })
      .thenFails('identity.family_name_invalid');
  });
});

describe('changing both at once', () => {
  it('names the family and sets the policy together', () => {
    spec
      .given([])
      .when({ type: 'changeFamily', name: 'The Examples', signUp: { mode: 'open', domains: [] } })
      .thenEmits([named('The Examples'), policy('open')]);
  });
  it('refuses the whole change when one part is wrong', () => {
    spec
      .given([])
      .when({ type: 'changeFamily', name: 'The Examples', signUp: { mode: 'anyone', domains: [] } })
      .thenFails('identity.unknown_sign_up_mode');
  });
});

describe('choosing the sign-up policy', () => {
  it('keeps domains lower-case, once each, sorted, without a leading @', () => {
    spec
      .given([])
      .when({
        type: 'changeFamily',
        signUp: { mode: 'domains', domains: ['Family.Test', '@grandma.test', 'family.test'] },
      })
      .thenEmits([policy('domains', ['family.test', 'grandma.test'])]);
  });
  it('keeps no domains for invites only or open sign-up', () => {
    spec
      .given([policy('domains', ['family.test'])])
      .when({ type: 'changeFamily', signUp: { mode: 'open', domains: ['family.test'] } })
      .thenEmits([policy('open')]);
  });
  it('changes nothing when the policy is the same', () => {
    spec
      .given([policy('domains', ['family.test'])])
      .when({ type: 'changeFamily', signUp: { mode: 'domains', domains: ['FAMILY.test'] } })
      .thenNothing();
  });
  it('refuses an unknown mode, no domains, or something that is not a domain', () => {
    spec
      .given([])
      .when({ type: 'changeFamily', signUp: { mode: 'anyone', domains: [] } })
      .thenFails('identity.unknown_sign_up_mode');
    spec
      .given([])
      .when({ type: 'changeFamily', signUp: { mode: 'domains', domains: [] } })
      .thenFails('identity.email_domains_required');
    spec
      .given([])
      .when({ type: 'changeFamily', signUp: { mode: 'domains', domains: ['not a domain'] } })
      .thenFails('identity.email_domain_invalid');
  });
});
