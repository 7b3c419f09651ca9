import { defineErrors } from '../../contracts/errors.ts';

export const chatErrors = defineErrors('chat', {
  channelNotFound: { status: 404, message: 'No such channel.' },
  notAMember: { status: 403, message: 'You are not a member of this channel.' },
  channelArchived: { status: 409, message: 'This channel is archived.' },
  channelExists: { status: 409, message: 'A channel with this id already exists.' },
  notAllowed: { status: 403, message: 'Only the channel creator or an admin may do this.' },
  membersFixed: {
    status: 409,
    message: 'The members of a direct message or of the family channel cannot be changed.',
  },
  cannotArchive: { status: 409, message: 'Only group channels can be archived.' },
  personBanned: { status: 409, message: 'This person is banned: they cannot be added to a conversation.' },
  dmWithSelf: { status: 400, message: 'A direct message needs another person.' },
  invalidName: { status: 400, message: 'A channel name has 1 to 80 characters.' },
  messageNotFound: { status: 404, message: 'No such message.' },
  messageDeleted: { status: 409, message: 'This message was deleted.' },
  messageIdTaken: { status: 409, message: 'Another message already has this id.' },
  notAuthor: { status: 403, message: 'Only the author (or an admin, to delete) may change this message.' },
  emptyMessage: { status: 400, message: 'A message needs some text or an attachment.' },
  messageTooLong: { status: 400, message: 'A message has at most 4,000 characters.' },
  replyTargetNotFound: { status: 400, message: 'The message replied to is not in this channel.' },
  invalidEmoji: { status: 400, message: 'A reaction is one emoji (at most 16 characters, no spaces).' },
  badAttachment: {
    status: 400,
    message: 'An attached file is unknown, deleted, or not one you uploaded.',
  },
  tooManyAttachments: { status: 400, message: 'A message has at most 10 attachments.' },
  tooManyReactions: { status: 409, message: 'This message has as many different reactions as it can hold.' },
});
