// The model server's HTTP: a kept connection the server has dropped since (found only when the
// next request goes out on it) is tried once more on a new one, not taken for a server down.

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextChunk, postJson } from './upstream-http.ts';

let server: Server;
let url: string;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  // Answers the first request on each connection and keeps it open; a second one on the same
  // connection finds it reset, as a server that closed an idle connection does.
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    let requests = 0;
    socket.on('data', (data) => {
      if (!data.includes('\r\n\r\n')) return;
      requests++;
      if (requests > 1) {
        socket.resetAndDestroy();
        return;
      }
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}',
      );
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const read = async (body: Awaited<ReturnType<typeof postJson>>) => {
  let text = '';
  for (;;) {
    const chunk = await nextChunk(body, 1000);
    if (chunk === null || chunk === 'timeout') return text;
    text += chunk.toString();
  }
};

describe('the model server over HTTP', () => {
  it('goes again on a new connection when its kept one was dropped by the server', async () => {
    const signal = new AbortController().signal;
    expect(await read(await postJson(url, '{}', signal))).toBe('{}');
    expect(await read(await postJson(url, '{}', signal))).toBe('{}');
    expect(connections).toBe(2);
  });
});
