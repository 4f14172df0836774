/**
 * The Node HttpPort on its own, with plain handlers: what the core sees of a request, streamed
 * bodies both ways, HEAD, a failing handler, refused and accepted upgrades, and close().
 */
import * as http from 'node:http';
import WebSocket from 'ws';
import { createNodeHttpPort } from '../../../hosts/node/http_server';
import type { HttpHandlers, HttpRequest, HttpResponse, HttpServerHandle, WebSocketConnection } from '../../../hosts/ports/http';

describe('Node HTTP binding', () => {
  let handle: HttpServerHandle;
  const seen: { head: Omit<HttpRequest, 'body'>; body: string }[] = [];
  const sockets: WebSocketConnection[] = [];
  const received: string[] = [];
  let closedSessions = 0;
  const endless = { produced: 0, finished: false };

  const handlers: HttpHandlers = {
    async request(request): Promise<HttpResponse> {
      const chunks: Uint8Array[] = [];
      if (request.url !== '/no-read') for await (const chunk of request.body) chunks.push(chunk);
      const { body: _ignored, ...head } = request;
      seen.push({ head, body: Buffer.concat(chunks).toString('utf8') });
      if (request.url === '/fail') throw new Error('handler bug');
      if (request.url === '/endless') {
        return {
          status: 200,
          headers: { 'Content-Type': 'application/octet-stream' },
          body: (async function* () {
            try {
              for (;;) {
                endless.produced++;
                yield new Uint8Array(64 * 1024);
              }
            } finally {
              endless.finished = true;
            }
          })(),
        };
      }
      if (request.url === '/stream') {
        return {
          status: 200,
          headers: { 'Content-Type': 'text/plain' },
          body: (async function* () {
            for (let i = 0; i < 3; i++) yield new Uint8Array(Buffer.from(`part${i};`));
          })(),
        };
      }
      return { status: 201, headers: { 'Content-Type': 'text/plain', 'X-Test': 'yes' }, body: 'créé' };
    },
    websocket(head) {
      if (head.url !== '/ws/echo') return undefined;
      return {
        open: (connection) => {
          sockets.push(connection);
          connection.send('hello');
        },
        message: (text) => {
          received.push(text);
          sockets[0].send(`echo:${text}`);
        },
        closed: () => closedSessions++,
      };
    },
  };

  beforeAll(async () => {
    handle = await createNodeHttpPort().listen({ port: 0, host: '127.0.0.1' }, handlers);
  });
  afterAll(async () => {
    await handle.close();
  });
  const base = () => `http://127.0.0.1:${handle.port}`;

  it('stops pulling a streamed body when the client hangs up (no chunk produced forever)', async () => {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no data from /endless')), 5000);
      const request = http.get(`${base()}/endless`, (response) => {
        response.once('data', () => {
          clearTimeout(timer);
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
    });
    const deadline = Date.now() + 5000;
    while (!endless.finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(endless.finished).toBe(true);
    const producedAtStop = endless.produced;
    await new Promise((r) => setTimeout(r, 200));
    expect(endless.produced).toBe(producedAtStop);
  });

  it('hands the core method, target, lower-case headers, peer address and the body', async () => {
    const response = await fetch(`${base()}/api/x?y=1`, { method: 'POST', headers: { 'X-Custom': 'A', 'Content-Type': 'application/json' }, body: '{"a":"ü"}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(await response.text()).toBe('créé');
    const last = seen[seen.length - 1];
    expect(last.head).toMatchObject({ method: 'POST', url: '/api/x?y=1', remoteAddress: '127.0.0.1' });
    expect(last.head.headers['x-custom']).toBe('A');
    expect(last.body).toBe('{"a":"ü"}');
  });

  it('streams a response body given as chunks', async () => {
    expect(await (await fetch(`${base()}/stream`)).text()).toBe('part0;part1;part2;');
  });

  it('sends no body for HEAD', async () => {
    const status = await new Promise<{ code: number; bytes: number }>((resolve) => {
      const request = http.request(`${base()}/any`, { method: 'HEAD' }, (response) => {
        let bytes = 0;
        response.on('data', (chunk) => (bytes += chunk.length));
        response.on('end', () => resolve({ code: response.statusCode ?? 0, bytes }));
      });
      request.end();
    });
    expect(status).toEqual({ code: 201, bytes: 0 });
  });

  it('answers 500 when the handler rejects, and keeps serving', async () => {
    const response = await fetch(`${base()}/fail`);
    expect(response.status).toBe(500);
    expect((await fetch(`${base()}/ok`)).status).toBe(201);
  });

  it('keeps the connection usable when the core does not read the body', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(`${base()}${path}`, { method: 'POST', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('error', reject);
        request.end('x'.repeat(10_000));
      });
    expect(await send('/no-read')).toBe(201);
    expect(await send('/after')).toBe(201);
    expect(seen[seen.length - 1].body).toHaveLength(10_000);
    agent.destroy();
  });

  it('refuses an upgrade the core does not want with 404', async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${handle.port}/ws/other`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });

  it('runs an accepted WebSocket session both ways and reports its end', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${handle.port}/ws/echo`);
    const messages: string[] = [];
    await new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        messages.push(String(data));
        if (messages.length === 1) socket.send('ping-text');
        if (messages.length === 2) resolve();
      });
    });
    expect(messages).toEqual(['hello', 'echo:ping-text']);
    expect(received).toEqual(['ping-text']);
    expect(sockets[0].bufferedAmount()).toBe(0);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    sockets[0].close(1000, 'done');
    expect(await closed).toBe(1000);
    for (let i = 0; i < 50 && closedSessions === 0; i++) await new Promise((r) => setImmediate(r));
    expect(closedSessions).toBe(1);
  });
});
