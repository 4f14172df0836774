/**
 * Issue 16 over real HTTP: hostile JSON gets a 400 that names the problem (never a 500), an
 * import cannot change the login, and a client that hangs up mid-body is an abort (one log line,
 * no 5xx, no stack).
 */
import * as net from 'node:net';
import { basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

describe('hostile requests', () => {
  let gw: WebGateway;
  beforeEach(async () => {
    gw = await startWebGateway({ bms: false });
  });
  afterEach(() => gw.close());

  const post = async (path: string, body: string | Blob) =>
    fetch(`${gw.base}${path}`, { method: 'POST', headers: await mutationHeaders(gw), body });

  it('answers deeply nested JSON with 400 too_deep, on the config and any other JSON route', async () => {
    const deep = `{"mqtt":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    for (const path of ['/api/config', '/api/config/import', '/api/alarms/acknowledge']) {
      const response = await post(path, deep);
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error.code).toBe('too_deep');
    }
    expect(gw.server.metrics().web_responses_5xx_total).toBe(0);
  });

  it('refuses __proto__ as an unknown field, like constructor', async () => {
    for (const key of ['__proto__', 'constructor']) {
      const response = await post('/api/config', `{"${key}": {"enabled": true}}`);
      expect(response.status).toBe(400);
      const { error } = await jsonOf(response);
      expect(error.errors).toEqual([expect.objectContaining({ field: key, code: 'unknown_field' })]);
    }
  });

  it('refuses invalid UTF-8 in a body with 400 invalid_utf8', async () => {
    const bytes = Buffer.from([...Buffer.from('{"mqtt":{"topic_prefix":"ab'), 0xc3, 0x28, ...Buffer.from('"}}')]);
    const response = await post('/api/config', new Blob([bytes]));
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_utf8');
    expect(gw.config.get().mqtt.topic_prefix).toBe('tinybms');
  });

  it('says "expected a finite number" for 1e400', async () => {
    const response = await post('/api/config', '{"bms":{"poll_interval_ms":1e400}}');
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.errors).toEqual([{ field: 'bms.poll_interval_ms', code: 'type', message: 'expected a finite number' }]);
  });

  it('an import never changes the login: a foreign credential is ignored and reported', async () => {
    const exported = await (await fetch(`${gw.base}/api/config/export?include_secrets=1`, { headers: { Authorization: basicAuth() } })).json();
    exported.web = { username: 'admin', password_hash: 'ab'.repeat(32), password_salt: 'cd'.repeat(16), password_iterations: 1000 };
    exported.mqtt.topic_prefix = 'imported';
    const response = await post('/api/config/import', JSON.stringify(exported));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ignored-fields')).toBe('web.password_hash, web.password_salt, web.password_iterations');
    expect((await jsonOf(response)).mqtt.topic_prefix).toBe('imported');
    // The documented login still works.
    expect((await fetch(`${gw.base}/api/config`, { headers: { Authorization: basicAuth() } })).status).toBe(200);
  });

  it('counts a client that hangs up mid-body as an abort: one log line, no 5xx, no stack', async () => {
    const headers = await mutationHeaders(gw);
    const port = Number(new URL(gw.base).port);
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        const head = [
          'POST /api/config/import HTTP/1.1',
          'Host: 127.0.0.1',
          `Authorization: ${headers.Authorization}`,
          `X-CSRF-Token: ${headers['X-CSRF-Token']}`,
          'Content-Type: application/json',
          'Content-Length: 5000',
          '',
          '{"mqtt": {"topic_prefix": "',
        ].join('\r\n');
        socket.write(head, () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
    });
    const metrics = await (async () => {
      for (let i = 0; i < 100; i++) {
        if (gw.server.metrics().web_client_aborts_total === 1) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      return gw.server.metrics();
    })();
    expect(metrics).toMatchObject({ web_client_aborts_total: 1, web_responses_5xx_total: 0, web_internal_errors_total: 0 });
    const lines = gw.logLines.filter((line) => line.includes('/api/config/import'));
    expect(lines).toEqual(['info web_server POST /api/config/import: client went away before the request body ended']);
  });
});
