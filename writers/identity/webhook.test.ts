import { createHmac } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  WebhookChangedSchema,
  WebhookRegisteredSchema,
  WebhookRemovedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import type { IdentityEventBody } from './state.ts';
import { webhookAggregate } from './webhook.ts';
import { newWebhookSecret, signDelivery, webhookSealer } from './webhook-secret.ts';

const spec = deciderSpec(webhookAggregate.decider);
const sealed = new Uint8Array([1, 2, 3]);
const target = new Uint8Array([4, 5, 6]);
const settings = { name: 'Receiver', subjects: ['hearth.chat.>'] };
const registered: IdentityEventBody = {
  case: 'webhookRegistered',
  value: create(WebhookRegisteredSchema, {
    webhookId: 'w1',
    name: 'Receiver',
    subjects: settings.subjects,
    secretSealed: sealed,
    targetSealed: target,
    registeredBy: 'admin1',
  }),
};
const removed: IdentityEventBody = {
  case: 'webhookRemoved',
  value: create(WebhookRemovedSchema, { webhookId: 'w1', removedBy: 'admin1' }),
};

describe('registering a webhook', () => {
  it('records its settings and its sealed secret', () =>
    spec
      .given([])
      .when({
        type: 'registerWebhook',
        webhookId: 'w1',
        targetSealed: target,
        secretSealed: sealed,
        actorId: 'admin1',
        ...settings,
      })
      .thenEmits([registered]));
  it('refuses an id already taken', () =>
    spec
      .given([registered])
      .when({
        type: 'registerWebhook',
        webhookId: 'w1',
        targetSealed: target,
        secretSealed: sealed,
        actorId: 'admin1',
        ...settings,
      })
      .thenFails('identity.webhook_id_taken'));
});

describe('changing a webhook', () => {
  it('records what it now is', () =>
    spec
      .given([registered])
      .when({ type: 'changeWebhook', webhookId: 'w1', actorId: 'admin2', ...settings, name: 'Renamed' })
      .thenEmits([
        {
          case: 'webhookChanged',
          value: create(WebhookChangedSchema, {
            webhookId: 'w1',
            name: 'Renamed',
            subjects: settings.subjects,
            changedBy: 'admin2',
          }),
        },
      ]));
  it('records a new URL, sealed', () =>
    spec
      .given([registered])
      .when({ type: 'changeWebhook', webhookId: 'w1', actorId: 'a', ...settings, targetSealed: target })
      .thenEmits([
        {
          case: 'webhookChanged',
          value: create(WebhookChangedSchema, {
            webhookId: 'w1',
            name: 'Receiver',
            subjects: settings.subjects,
            targetSealed: target,
            changedBy: 'a',
          }),
        },
      ]));
  it('records nothing when nothing changes', () =>
    spec
      .given([registered])
      .when({ type: 'changeWebhook', webhookId: 'w1', actorId: 'a', ...settings })
      .thenNothing());
  it('refuses one removed, or unknown', () => {
    spec
      .given([registered, removed])
      .when({ type: 'changeWebhook', webhookId: 'w1', actorId: 'a', ...settings })
      .thenFails('identity.webhook_removed');
    spec
      .given([])
      .when({ type: 'changeWebhook', webhookId: 'w1', actorId: 'a', ...settings })
      .thenFails('identity.webhook_not_found');
  });
});

describe('removing a webhook', () => {
  it('records it once', () => {
    spec
      .given([registered])
      .when({ type: 'removeWebhook', webhookId: 'w1', actorId: 'admin1' })
      .thenEmits([removed]);
    spec
      .given([registered, removed])
      .when({ type: 'removeWebhook', webhookId: 'w1', actorId: 'admin1' })
      .thenNothing();
  });
});

describe('a webhook secret', () => {
  it('is sealed so only a hub with the same secret opens it', () => {
    const secret = newWebhookSecret();
    const box = webhookSealer('hub-secret-one-0123456789').seal(secret);
    expect(Buffer.from(box).toString('latin1')).not.toContain(secret);
    expect(webhookSealer('hub-secret-one-0123456789').open(box)).toBe(secret);
    expect(webhookSealer('hub-secret-two-0123456789').open(box)).toBeUndefined();
  });
  it('signs "<t>.<body>" with HMAC-SHA256, t in unix seconds', () => {
    const at = new Date(1_700_000_000_500);
    const v1 = createHmac('sha256', 'k').update('1700000000.{}').digest('hex');
    expect(signDelivery({ secret: 'k', body: '{}', at })).toBe(`t=1700000000,v1=${v1}`);
  });
});
