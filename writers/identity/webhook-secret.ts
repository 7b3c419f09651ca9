// A webhook's secret: HMAC needs it in the clear at delivery time, so unlike an API key's it
// cannot be kept as a hash. It is sealed (AES-256-GCM) under a key derived from the hub's own
// secret before it reaches the log, and opened only by the delivery loop. A hub started with
// another secret cannot open it (its deliveries fail until the webhook is given a new secret).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const NONCE = 12;
const TAG = 16;
const AAD = Buffer.from('hearth.identity.v1.Webhook.secret');

export type WebhookSealer = {
  seal: (secret: string) => Uint8Array;
  /** The secret, or undefined when this hub's key does not open the box. */
  open: (box: Uint8Array) => string | undefined;
};

export function webhookSealer(hubSecret: string): WebhookSealer {
  const key = Buffer.from(hkdfSync('sha256', hubSecret, 'hearth', 'webhook-secrets', 32));
  return {
    seal: (secret) => {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return new Uint8Array(Buffer.concat([nonce, cipher.getAuthTag(), body]));
    },
    open: (box) => {
      if (box.length < NONCE + TAG) return undefined;
      try {
        const b = Buffer.from(box);
        const decipher = createDecipheriv('aes-256-gcm', key, b.subarray(0, NONCE));
        decipher.setAAD(AAD);
        decipher.setAuthTag(b.subarray(NONCE, NONCE + TAG));
        return Buffer.concat([decipher.update(b.subarray(NONCE + TAG)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** A new secret, when the admin gives none: 32 random bytes, prefixed so a leak is recognisable. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `Hearth-Signature`: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. */
export function signDelivery({ secret, body, at }: { secret: string; body: string; at: Date }): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
