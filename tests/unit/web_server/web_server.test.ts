/**
 * The module without a network: requests handed to handleRequest directly, to pin down what
 * happens without optional services, when a handler throws, and what the metrics count.
 */
import type { Host } from '../../../hosts/host';
import { VirtualCanBus } from '../../../hosts/mocks/can_bus';
import { MemoryFiles } from '../../../hosts/mocks/memory_files';
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import type { HttpRequest } from '../../../hosts/ports/http';
import { ConfigManager } from '../../../modules/config_manager/config_manager';
import { createGatewayBus } from '../../../modules/event_bus/events';
import type { GatewayContext } from '../../../modules/gateway/context';
import { createLogger } from '../../../modules/util/logger';
import { DuplicateRouteError, type RouteTable } from '../../../modules/web_server/router';
import { WebServer, type WebServerOptions } from '../../../modules/web_server/web_server';

function build(options: Partial<WebServerOptions> = {}, hostChanges: Partial<Host> = {}) {
  const clock = new VirtualClock();
  const lines: string[] = [];
  const host: Host = {
    clock,
    log: { log: (level, tag, message) => lines.push(`${level} ${tag} ${message}`) },
    serial: { write() {}, onReceive() {} },
    can: new VirtualCanBus({ clock }),
    store: new MemoryStore(),
    files: new MemoryFiles(),
    crypto: createNodeCrypto(),
    system: { platform: 'node', firmwareVersion: 't', restart() {}, heap: () => ({ freeBytes: 1, totalBytes: 2 }), uptimeMs: () => clock.now() },
    ...hostChanges,
  };
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const config = new ConfigManager({ store: host.store, bus, crypto: host.crypto });
  config.start();
  const context: GatewayContext = { host, bus, config: () => config.get(), logger: (tag) => createLogger(host.log, tag) };
  const server = new WebServer(context, { services: { config }, ...options });
  return { server, lines, clock };
}

function request(method: string, url: string, headers: Record<string, string> = {}): HttpRequest {
  return { method, url, headers, remoteAddress: '192.0.2.1', body: { async *[Symbol.asyncIterator]() {} } };
}

const bodyOf = (response: { body?: unknown }) => JSON.parse(String(response.body));

describe('WebServer without a network', () => {
  it.each([
    ['/api/diagnostics', 'monitoring_unavailable'],
    ['/metrics', 'monitoring_unavailable'],
    ['/api/events', 'events_unavailable'],
    ['/api/alarms', 'alerts_unavailable'],
    ['/api/history', 'history_unavailable'],
    ['/api/uart/status', 'uart_unavailable'],
    ['/api/mqtt/status', 'mqtt_unavailable'],
  ])('answers 503 on %s while its service is missing', async (url, code) => {
    const response = await build().server.handleRequest(request('GET', url));
    expect(response.status).toBe(503);
    expect(bodyOf(response).error.code).toBe(code);
    expect(response.headers['X-Frame-Options']).toBe('DENY');
  });

  it('still serves status, live data and the CAN port status with nothing but the config', async () => {
    const { server } = build();
    for (const url of ['/api/status', '/api/data', '/api/can/status']) expect((await server.handleRequest(request('GET', url))).status).toBe(200);
  });

  it('turns a throwing handler into a 500 with the contract’s error shape, and logs it', async () => {
    const broken: RouteTable = [
      {
        method: 'GET',
        path: '/api/broken',
        access: 'open',
        handle: () => {
          throw new TypeError('boom');
        },
      },
    ];
    const { server, lines } = build({ extraRoutes: [broken] });
    const response = await server.handleRequest(request('GET', '/api/broken?secret=1'));
    expect(response.status).toBe(500);
    expect(bodyOf(response).error.code).toBe('internal_error');
    expect(response.headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(lines.some((line) => line.startsWith('error web_server GET /api/broken failed: TypeError: boom'))).toBe(true);
    expect(lines.join('\n')).not.toContain('secret=1');
    expect(server.metrics()).toMatchObject({ web_internal_errors_total: 1, web_responses_5xx_total: 1 });
  });

  it('refuses extra routes that would replace core ones', () => {
    const clash: RouteTable = [{ method: 'GET', path: '/api/status', access: 'open', handle: () => ({ status: 200, headers: {} }) }];
    expect(() => build({ extraRoutes: [clash] })).toThrow(DuplicateRouteError);
  });

  it('needs the crypto port', () => {
    expect(() => build({}, { crypto: undefined })).toThrow(/crypto port/);
  });

  it('reports a host without an HTTP port in its metrics instead of failing', async () => {
    const { server, lines } = build();
    server.start();
    await expect(server.whenListening()).rejects.toThrow('no HTTP port');
    expect(server.metrics()).toMatchObject({ web_listening: false, web_listen_error: 'this host has no HTTP port' });
    expect(lines).toContain('error web_server not serving: this host has no HTTP port');
    server.stop();
  });

  it('counts refusals in its metrics', async () => {
    const { server } = build();
    await server.handleRequest(request('GET', '/api/config'));
    await server.handleRequest(request('POST', '/api/config/reset', { authorization: `Basic ${Buffer.from('admin:tinybms-gw').toString('base64')}` }));
    expect(server.metrics()).toMatchObject({ web_requests_total: 2, web_unauthorized_total: 1, web_csrf_refused_total: 1, web_responses_4xx_total: 2, auth_successes_total: 1 });
  });
});
