import { defineErrors } from '../../contracts/errors.ts';

export const identityErrors = defineErrors('identity', {
  userNotFound: { status: 404, message: 'No such user.' },
  unknownRole: { status: 400, message: 'Unknown role: use admin, member or child.' },
  cannotChangeOwnRole: { status: 403, message: 'An admin cannot change their own role.' },
  cannotBanSelf: { status: 403, message: 'You cannot ban yourself.' },
  alreadyBanned: { status: 409, message: 'This user is already banned.' },
  notBanned: { status: 409, message: 'This user is not banned.' },
  banExpiryInPast: { status: 400, message: 'A ban must expire in the future.' },
  memberErased: { status: 409, message: 'This member’s personal data was erased: nothing more can change.' },
  cannotEraseSelf: { status: 403, message: 'You cannot erase your own personal data: ask another admin.' },
  lastAdmin: {
    status: 409,
    message: 'The family’s last admin cannot be erased: make someone else an admin first.',
  },
  erasureRequestInFuture: { status: 400, message: 'An erasure cannot have been requested in the future.' },
  inviteNotFound: {
    status: 404,
    message: 'This invite link is not valid. Ask the family’s admin for a new one.',
  },
  inviteExpired: { status: 409, message: 'This invite has expired. Ask the family’s admin for a new one.' },
  inviteRevoked: { status: 409, message: 'This invite was withdrawn. Ask the family’s admin for a new one.' },
  inviteUsedUp: {
    status: 409,
    message: 'This invite has been used up. Ask the family’s admin for a new one.',
  },
  inviteExpiryOutOfRange: { status: 400, message: 'An invite expires after now and within 90 days.' },
  inviteUsesOutOfRange: { status: 400, message: 'An invite admits from 1 to 100 people.' },
  inviteIdTaken: { status: 409, message: 'Another invite already has this id.' },
  familyNameInvalid: { status: 400, message: 'The family’s name is 1 to 80 characters.' },
  unknownSignUpMode: { status: 400, message: 'Sign-up is by invite, by email domain, or open.' },
  emailDomainsRequired: {
    status: 400,
    message: 'Name from 1 to 20 email domains whose addresses may sign up.',
  },
  apiKeyNotFound: { status: 404, message: 'No such API key.' },
  apiKeyIdTaken: { status: 409, message: 'Another API key already has this id.' },
  apiKeyExpiryOutOfRange: { status: 400, message: 'An API key expires after now and within two years.' },
  apiKeyScopes: { status: 400, message: 'Give the key one or more known scopes.' },
  emailDomainInvalid: { status: 400, message: 'That is not an email domain (like example.com).' },
});
