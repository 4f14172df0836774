/**
 * The web server's request pipeline inside bare XS (no Node, no atob, no TextDecoder): Basic
 * auth, lockout, CSRF, a streamed JSON body, the size limit. Requests are handed in directly.
 * Prints one RESULT line for xs_portability.test.ts.
 */
import type { HttpRequest, HttpResponse } from '../../../../hosts/ports/http';
import { ConfigManager } from '../../../../modules/config_manager/config_manager';
import { createGatewayBus } from '../../../../modules/event_bus/events';
import { createLogger } from '../../../../modules/util/logger';
import { utf8Encode } from '../../../../modules/util/utf8';
import { WebServer } from '../../../../modules/web_server/web_server';
import { createScenarioHost } from '../../../xs/scenario/scenario_host';

declare const print: (text: string) => void;

// Base64 of "admin:xs-password-1" and "admin:wrong-one", computed outside XS.
const GOOD = 'Basic YWRtaW46eHMtcGFzc3dvcmQtMQ==';
const BAD = 'Basic YWRtaW46d3Jvbmctb25l';

const { host, clock } = createScenarioHost();
const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
const config = new ConfigManager({ store: host.store, bus, crypto: host.crypto });
config.start();
const passwordSet = config.setWebPassword('xs-password-1').ok;
const server = new WebServer({ host, bus, config: () => config.get(), logger: (tag) => createLogger(host.log, tag) }, { services: { config } });

function chunked(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = utf8Encode(text);
  return {
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    },
  };
}

function call(method: string, url: string, headers: Record<string, string>, body = '', remoteAddress = '10.0.0.2'): Promise<HttpResponse> {
  const request: HttpRequest = { method, url, headers, remoteAddress, body: chunked(body, 7) };
  return server.handleRequest(request);
}

const codeOf = (response: HttpResponse) => (JSON.parse(String(response.body)) as { error?: { code: string } }).error?.code ?? '';

async function main(): Promise<Record<string, unknown>> {
  const anonymous = await call('GET', '/api/config', {});
  const wrong = await call('GET', '/api/config', { authorization: BAD });
  const csrf = await call('GET', '/api/security/csrf', { authorization: GOOD });
  const token = (JSON.parse(String(csrf.body)) as { token: string }).token;
  const json = { authorization: GOOD, 'x-csrf-token': token, 'content-type': 'application/json' };
  const noToken = await call('POST', '/api/config', { authorization: GOOD, 'content-type': 'application/json' }, '{"mqtt":{"keepalive_s":30}}');
  const updated = await call('POST', '/api/config', json, '{"mqtt":{"keepalive_s":30,"topic_prefix":"gaté"}}');
  const badJson = await call('POST', '/api/config', json, '{"mqtt":');
  const tooLarge = await call('POST', '/api/security/password', json, `{"pad":"${'x'.repeat(20000)}"}`);
  const lockout: number[] = [];
  for (let i = 0; i < 6; i++) lockout.push((await call('GET', '/api/config', { authorization: BAD }, '', '10.0.0.9')).status);
  clock.advance(301_000);
  const expired = await call('POST', '/api/config', json, '{"mqtt":{"keepalive_s":31}}');
  const traversal = await call('GET', '/%2e%2e/secret', {});
  return {
    passwordSet,
    anonymous: [anonymous.status, codeOf(anonymous)],
    wrong: [wrong.status, codeOf(wrong)],
    csrf: csrf.status,
    noToken: [noToken.status, codeOf(noToken)],
    updated: updated.status,
    keepalive: config.get().mqtt.keepalive_s,
    prefix: config.get().mqtt.topic_prefix,
    badJson: [badJson.status, codeOf(badJson)],
    tooLarge: [tooLarge.status, codeOf(tooLarge)],
    lockout,
    expired: [expired.status, codeOf(expired)],
    traversal: traversal.status,
    headers: updated.headers['X-Content-Type-Options'],
  };
}

main().then(
  (result) => print(`RESULT ${JSON.stringify(result)}`),
  (error) => print(`RESULT ${JSON.stringify({ error: String(error), stack: (error as Error).stack })}`),
);
