import { defineErrors } from '../../contracts/errors.ts';

export const identityErrors = defineErrors('identity', {
  userNotFound: { status: 404, message: 'No such user.' },
  unknownRole: { status: 400, message: 'Unknown role: use admin, member or child.' },
  cannotChangeOwnRole: { status: 403, message: 'An admin cannot change their own role.' },
  cannotBanSelf: { status: 403, message: 'You cannot ban yourself.' },
  alreadyBanned: { status: 409, message: 'This user is already banned.' },
  notBanned: { status: 409, message: 'This user is not banned.' },
  banExpiryInPast: { status: 400, message: 'A ban must expire in the future.' },
});
