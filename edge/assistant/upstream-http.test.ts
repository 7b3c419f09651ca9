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
      if (data.includes('"cut"')) {
        // Half an answer, then the connection dropped.
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n',
          () => setTimeout(() => socket.destroy(), 20),
        );
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

  it('lets go of an answer cut off midway and then cancelled, with nothing left unheard', async () => {
    const controller = new AbortController();
    const res = await postJson(url, '"cut"', controller.signal);
    expect(await nextChunk(res, 1000)).toEqual(Buffer.from('{}\n'));
    await expect(nextChunk(res, 1000)).rejects.toThrow();
    // As the assistant does whatever ended the answer: the request is cancelled. An 'error'
    // nobody listens to would end the process.
    controller.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect(res.destroyed).toBe(true);
  });
});
