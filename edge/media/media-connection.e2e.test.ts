import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../../contracts/media.api.ts';
import { serveHub } from '../../test/hostile.ts';
import { ann, headersOf, sha256, startMediaHub, stopMediaHub, t } from './media-e2e.fixture.ts';

beforeAll(startMediaHub, 120_000);
afterAll(stopMediaHub);

describe('an upload over a real connection', () => {
  it('streams the node request itself, past the JSON body limit', async () => {
    const server = await serveHub(t.hub);
    try {
      // Noise does not compress: a JPEG well past the 64 KiB JSON body limit.
      const bytes = await sharp(randomBytes(600 * 400 * 3), { raw: { width: 600, height: 400, channels: 3 } })
        .jpeg()
        .toBuffer();
      expect(bytes.length).toBeGreaterThan(64 * 1024);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), 'big.jpg');
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/upload`, {
        method: 'POST',
        headers: headersOf(ann),
        body: form,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(((await res.json()) as UploadResponse).sha256).toBe(sha256(bytes));
    } finally {
      await server.close();
    }
  });

  it('answers 413 as soon as the file passes the limit, without reading the rest', async () => {
    const server = await serveHub(t.hub);
    try {
      const boundary = 'hearthboundary';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 7);
      // Far more than the limit: sent only while the server keeps reading.
      const total = 200 * 1024 * 1024;
      const answer = await new Promise<{
        status: number;
        connection: string | undefined;
        body: string;
        sent: number;
      }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = httpRequest({
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/v1/upload',
          headers: { ...headersOf(ann), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        });
        req.on('response', (res) => {
          answered = true;
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, sent }),
          );
        });
        req.on('error', (err) => {
          if (!answered) reject(err);
        });
        const pump = () => {
          while (!answered && sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        req.write(head);
        pump();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'media.too_large' });
      expect(answer.connection).toBe('close');
      expect(answer.sent).toBeLessThan(total / 4);
      expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
