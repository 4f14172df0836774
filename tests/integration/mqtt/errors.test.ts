/**
 * What the status says when the broker address is wrong in the common ways (mqtts:// to a plain
 * port, a web server's port, a server that hangs up), and that the error goes once a session is
 * up again — against a real Mosquitto and real servers.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { startGateway, type RunningGateway } from './support/gateway';
import { MosquittoBroker } from './support/mosquitto';
import { waitFor } from './support/wait';

describe('connection errors in words', () => {
  let broker: MosquittoBroker;
  let gateway: RunningGateway | undefined;
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    broker = await MosquittoBroker.start();
  });

  afterEach(async () => {
    gateway?.stop();
    gateway = undefined;
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  afterAll(async () => {
    await broker.dispose();
  });

  async function listen(server: net.Server): Promise<number> {
    servers.push(server);
    server.on('connection', (socket: net.Socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  async function firstError(uri: string): Promise<string> {
    gateway = startGateway({ broker_uri: uri, discovery_enabled: false }, { backoffBaseMs: 5000 });
    await waitFor(() => gateway!.client.status().last_error !== '', `an error for ${uri}`);
    return gateway.client.status().last_error;
  }

  it('mqtts:// to a plain MQTT port says it is not a TLS port', async () => {
    const error = await firstError(`mqtts://127.0.0.1:${broker.port}`);
    expect(error).toBe(
      `TLS handshake with 127.0.0.1:${broker.port} failed: the server closed the connection without answering in TLS. Is it a plain MQTT port? Use mqtt:// for it, or the broker's TLS port (usually 8883)`,
    );
  });

  it('mqtt:// to a web server says it is an HTTP server, not a broker', async () => {
    const port = await listen(http.createServer((_request, response) => response.end('hello')));
    expect(await firstError(`mqtt://127.0.0.1:${port}`)).toBe(`127.0.0.1:${port} is a web (HTTP) server, not an MQTT broker (it answered "HTTP/1.1 400 Bad Request"); check the broker port`);
  });

  it('mqtt:// to a server that answers something else, or hangs up, says so', async () => {
    const banner = await listen(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
    expect(await firstError(`mqtt://127.0.0.1:${banner}`)).toBe(
      `127.0.0.1:${banner} is not an MQTT broker: it answered "SSH-2.0-OpenSSH_9.2" instead of accepting the MQTT session; check the broker address and port`,
    );
    gateway?.stop();
    const silent = await listen(net.createServer((socket) => socket.once('data', () => socket.end())));
    expect(await firstError(`mqtt://127.0.0.1:${silent}`)).toBe(
      `127.0.0.1:${silent} closed the connection before answering the MQTT CONNECT: not an MQTT broker, or a TLS port (then use mqtts://)`,
    );
  });

  it('last_error goes once the broker is back; the last disconnect reason stays', async () => {
    gateway = startGateway({ broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false }, { backoffBaseMs: 100 });
    await gateway.waitForState('connected');
    await broker.stop();
    await waitFor(() => gateway!.client.status().last_error.startsWith('connection refused'), 'a refused attempt');
    // Mosquitto's shutdown closes or resets the socket, depending on timing.
    const lost = gateway.client.status().last_disconnect_reason;
    expect(lost).toMatch(/^connection (closed|reset) by (the broker|127\.0\.0\.1:\d+)$/);
    await broker.start();
    await gateway.waitForState('connected', 10000);
    expect(gateway.client.status()).toEqual(expect.objectContaining({ last_error: '', last_disconnect_reason: lost }));
  });
});
