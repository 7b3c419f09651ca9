// One integrator's webhook: registered with a URL, subject filters and a sealed secret,
// perhaps changed, then removed. Its own small aggregate: a change reads whether it exists.
// The URL and subjects are checked at the boundary (contracts/integrators.schema.ts and the
// route); the URL and the secret arrive sealed (webhook-secret.ts), so nothing here, and
// nothing on the log, has them in the clear. A change without a URL keeps it.
import { create } from '@bufbuild/protobuf';
import {
  type IdentityEvent,
  IdentityEventSchema,
  WebhookChangedSchema,
  WebhookRegisteredSchema,
  WebhookRemovedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { identityErrors } from './errors.ts';
import type { IdentityEventBody } from './state.ts';

export type Webhook =
  | { status: 'none' }
  | { status: 'registered' | 'removed'; webhookId: string; name: string; subjects: string[] };
export const initialWebhook: Webhook = { status: 'none' };

type Settings = { name: string; subjects: string[] };

export type WebhookCommand =
  | ({
      type: 'registerWebhook';
      webhookId: string;
      targetSealed: Uint8Array;
      secretSealed: Uint8Array;
      actorId: string;
    } & Settings)
  | ({
      type: 'changeWebhook';
      webhookId: string;
      /** The new URL, sealed; absent: the URL is kept. */
      targetSealed?: Uint8Array | undefined;
      secretSealed?: Uint8Array | undefined;
      actorId: string;
    } & Settings)
  | { type: 'removeWebhook'; webhookId: string; actorId: string };

export function evolveWebhook(state: Webhook, event: IdentityEventBody): Webhook {
  switch (event.case) {
    case 'webhookRegistered':
    case 'webhookChanged': {
      const v = event.value;
      return {
        status: 'registered',
        webhookId: v.webhookId,
        name: v.name,
        subjects: v.subjects,
      };
    }
    case 'webhookRemoved':
      return state.status === 'none' ? state : { ...state, status: 'removed' };
    default:
      return state;
  }
}

export function decideWebhook(command: WebhookCommand, state: Webhook): IdentityEventBody[] {
  switch (command.type) {
    case 'registerWebhook': {
      if (state.status !== 'none') throw identityErrors.webhookIdTaken();
      const value = create(WebhookRegisteredSchema, {
        webhookId: command.webhookId,
        name: command.name,
        subjects: [...new Set(command.subjects)],
        secretSealed: command.secretSealed,
        targetSealed: command.targetSealed,
        registeredBy: command.actorId,
      });
      return [{ case: 'webhookRegistered', value }];
    }
    case 'changeWebhook': {
      if (state.status === 'none') throw identityErrors.webhookNotFound();
      if (state.status === 'removed') throw identityErrors.webhookRemoved();
      const subjects = [...new Set(command.subjects)];
      const same =
        state.name === command.name &&
        state.subjects.join('\n') === subjects.join('\n') &&
        !command.targetSealed &&
        !command.secretSealed;
      if (same) return [];
      const value = create(WebhookChangedSchema, {
        webhookId: state.webhookId,
        name: command.name,
        subjects,
        ...(command.targetSealed && { targetSealed: command.targetSealed }),
        ...(command.secretSealed && { secretSealed: command.secretSealed }),
        changedBy: command.actorId,
      });
      return [{ case: 'webhookChanged', value }];
    }
    case 'removeWebhook': {
      if (state.status === 'none') throw identityErrors.webhookNotFound();
      if (state.status === 'removed') return [];
      const value = create(WebhookRemovedSchema, { webhookId: state.webhookId, removedBy: command.actorId });
      return [{ case: 'webhookRemoved', value }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

export const webhookAggregate: AggregateType<Webhook, WebhookCommand, IdentityEvent> = {
  domain: 'identity',
  envelope: IdentityEventSchema,
  subject: (names, webhookId) => names.identity.webhook(webhookId),
  decider: { initialState: initialWebhook, evolve: evolveWebhook, decide: decideWebhook },
  concurrency: 'optimistic',
  expectsNew: (command) => command.type === 'registerWebhook',
};
