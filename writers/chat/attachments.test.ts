import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { type AttachedFile, chatAttachment, storedAttachment } from './attachments.ts';
import { channelAggregate } from './channel.ts';
import { ev, file } from './events.fixture.ts';
import { type MessageCommand, messageAggregate } from './message.ts';
import type { ChatEventBody } from './state.ts';

const spec = deciderSpec(messageAggregate.decider);
const trip = [ev.created('trip'), ev.joined('trip', 'ann'), ev.joined('trip', 'bob', 'ann')].reduce(
  channelAggregate.decider.evolve,
  channelAggregate.decider.initialState,
);
type Post = Extract<MessageCommand, { type: 'post' }>;
const known = (...files: AttachedFile[]) => new Map(files.map((f) => [f.id, f]));
const post = (content: string, ids: string[], files: Map<string, AttachedFile>): Post => ({
  type: 'post',
  channelId: 'trip',
  messageId: 'm1',
  channel: trip,
  senderId: 'ann',
  content,
  mentionIds: [],
  attachmentIds: ids,
  files,
});

describe('posting with attachments', () => {
  const photo = file('f1');
  const pdf = file('f2', {
    contentType: 'application/pdf',
    fileName: 'menu.pdf',
    width: null,
    height: null,
    hasThumbnail: false,
  });

  it('carries a snapshot of each file, in the order given', () =>
    spec
      .given([])
      .when(post('look', ['f2', 'f1'], known(photo, pdf)))
      .thenEmits([ev.posted('trip', 'm1', 'ann', 'look', { attachments: [pdf, photo] })]));

  it('needs no text when it attaches a file', () =>
    spec
      .given([])
      .when(post('', ['f1'], known(photo)))
      .thenEmits([ev.posted('trip', 'm1', 'ann', '', { attachments: [photo] })]));

  it('still needs text without one', () =>
    spec
      .given([])
      .when(post(' ', [], known()))
      .thenFails('chat.empty_message'));

  it('refuses a file that is unknown, deleted, or someone else’s', () => {
    for (const files of [
      known(),
      known(file('f1', { deleted: true })),
      known(file('f1', { ownerId: 'bob' })),
    ])
      spec
        .given([])
        .when(post('x', ['f1'], files))
        .thenFails('chat.bad_attachment');
  });

  it('refuses one file twice, and more than ten', () => {
    spec
      .given([])
      .when(post('x', ['f1', 'f1'], known(photo)))
      .thenFails('chat.bad_attachment');
    const eleven = Array.from({ length: 11 }, (_, i) => file(`f${i}`));
    spec
      .given([])
      .when(
        post(
          'x',
          eleven.map((f) => f.id),
          known(...eleven),
        ),
      )
      .thenFails('chat.too_many_attachments');
  });

  it('treats a retry as done even if the file was deleted since', () =>
    spec
      .given([ev.posted('trip', 'm1', 'ann', '', { attachments: [photo] })])
      .when(post('', ['f1'], known(file('f1', { deleted: true }))))
      .thenNothing());
});

describe('an attachment as the API shows it', () => {
  const posted = ev.posted('trip', 'm1', 'ann', '', {
    attachments: [
      file('a/b'),
      file('v1', { contentType: 'video/mp4', width: null, height: null, hasThumbnail: false }),
    ],
  }) as Extract<ChatEventBody, { case: 'messagePosted' }>;
  const shown = posted.value.attachments.map((a) => chatAttachment(storedAttachment(a)));

  it('links to the download, and to the thumbnail only when there is one', () => {
    expect(shown[0]).toEqual({
      id: 'a/b',
      url: '/api/v1/files/a%2Fb/download',
      thumbnail_url: '/api/v1/files/a%2Fb/download?thumb=1',
      content_type: 'image/jpeg',
      file_name: 'a/b.jpg',
      size_bytes: 123_456,
      width: 640,
      height: 480,
    });
    expect(shown[1]).toMatchObject({ thumbnail_url: '', width: null, height: null });
  });

  it('is the same bytes whichever order the stored keys come back in (jsonb reorders them)', () => {
    const stored = storedAttachment(posted.value.attachments[0] as (typeof posted.value.attachments)[number]);
    const reordered = Object.fromEntries(Object.entries(stored).reverse()) as typeof stored;
    expect(JSON.stringify(chatAttachment(reordered))).toBe(JSON.stringify(chatAttachment(stored)));
  });
});
