/**
 * Configuration over HTTP: masked reads, deep-merge updates with every invalid field reported
 * and nothing changed, export/import round trip, factory reset, the MQTT section and the
 * password change, each checked against the real ConfigManager and its file-backed store.
 */
import { DEFAULT_WEB_PASSWORD } from '../../../modules/config_manager/schema';
import { PASSWORD, basicAuth, jsonOf, mutationHeaders, startWebGateway, type WebGateway } from './support/web_gateway';

describe('configuration API over HTTP', () => {
  let gw: WebGateway;
  beforeEach(async () => {
    gw = await startWebGateway({ bms: false });
  });
  afterEach(async () => {
    await gw.close();
  });

  const post = async (url: string, body: unknown) => fetch(`${gw.base}${url}`, { method: 'POST', headers: await mutationHeaders(gw), body: JSON.stringify(body) });
  const read = async (url = '/api/config') => jsonOf(await fetch(`${gw.base}${url}`, { headers: { Authorization: basicAuth() } }));

  it('answers GET /api/config with secrets masked', async () => {
    gw.config.update({ mqtt: { password: 'broker-secret' }, wifi: { password: 'wifi-secret-1' } });
    const config = await read();
    expect(config.mqtt.password).toBe('********');
    expect(config.wifi.password).toBe('********');
    expect(config.web.password_hash).toBe('********');
    expect(JSON.stringify(config)).not.toContain('broker-secret');
    expect(config.mqtt.keepalive_s).toBe(60);
  });

  it('deep-merges a partial update and answers the new (masked) configuration', async () => {
    const response = await post('/api/config', { mqtt: { keepalive_s: 120, topic_prefix: 'garage' } });
    expect(response.status).toBe(200);
    const answer = await jsonOf(response);
    expect(answer.mqtt).toMatchObject({ keepalive_s: 120, topic_prefix: 'garage', client_id: '' }); // empty: tinybms-gw-<device id>
    expect(answer.web.password_hash).toBe('********');
    expect(gw.config.get().mqtt.keepalive_s).toBe(120);
    expect(gw.config.get().can.bitrate_kbps).toBe(500);
  });

  it('reports every invalid field at once with 400 and changes nothing, stored copy included', async () => {
    const before = gw.config.export({ includeSecrets: true });
    const response = await post('/api/config', { mqtt: { keepalive_s: 1 }, bms: { poll_interval_ms: 50 }, can: { bitrate_kbps: 300 }, nonsense: true });
    expect(response.status).toBe(400);
    const { error } = await jsonOf(response);
    expect(error.code).toBe('invalid_config');
    expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual(['bms.poll_interval_ms', 'can.bitrate_kbps', 'mqtt.keepalive_s', 'nonsense']);
    expect(error.field).toBe(error.errors[0].field);
    expect(gw.config.export({ includeSecrets: true })).toBe(before);
    gw.config.load();
    expect(gw.config.export({ includeSecrets: true })).toBe(before);
  });

  it.each([[[]], ['text'], [null], [42]])('refuses %j as an update with 400', async (body) => {
    const response = await post('/api/config', body);
    expect(response.status).toBe(400);
  });

  it('does not let an update change the password hash', async () => {
    const response = await post('/api/config', { web: { password_hash: 'a'.repeat(64) } });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.field).toBe('web.password_hash');
  });

  it('round-trips the configuration through export and import', async () => {
    gw.config.update({ mqtt: { keepalive_s: 45, password: 'keep-me' }, alerts: { temperature_max_c: 48 } });
    const exported = await fetch(`${gw.base}/api/config/export`, { headers: { Authorization: basicAuth() } });
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="tinybms-gw-config.json"');
    const document = await jsonOf(exported);
    expect(document.mqtt.password).toBe('********');

    gw.config.reset();
    expect(gw.config.get().mqtt.keepalive_s).toBe(60);
    const imported = await post('/api/config/import', document);
    expect(imported.status).toBe(200);
    expect(gw.config.get().mqtt.keepalive_s).toBe(45);
    expect(gw.config.get().alerts.temperature_max_c).toBe(48);
  });

  it('keeps the current secret when an import carries the mask', async () => {
    gw.config.update({ mqtt: { password: 'current-secret' } });
    const document = await jsonOf(await fetch(`${gw.base}/api/config/export`, { headers: { Authorization: basicAuth() } }));
    document.mqtt.keepalive_s = 90;
    expect((await post('/api/config/import', document)).status).toBe(200);
    expect(gw.config.get().mqtt.password).toBe('current-secret');
    expect(gw.config.get().mqtt.keepalive_s).toBe(90);
  });

  it('includes secrets in an export only when asked', async () => {
    gw.config.update({ mqtt: { password: 'visible-on-request' } });
    const plain = await (await fetch(`${gw.base}/api/config/export`, { headers: { Authorization: basicAuth() } })).text();
    const full = await (await fetch(`${gw.base}/api/config/export?include_secrets=1`, { headers: { Authorization: basicAuth() } })).text();
    expect(plain).not.toContain('visible-on-request');
    expect(full).toContain('visible-on-request');
  });

  it('validates an import before changing anything', async () => {
    const before = gw.config.get();
    const response = await post('/api/config/import', { version: 1, mqtt: { keepalive_s: 'soon' } });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.field).toBe('mqtt.keepalive_s');
    expect(gw.config.get()).toBe(before);
    const future = await post('/api/config/import', { version: 99 });
    expect(future.status).toBe(400);
    expect(gw.config.get()).toBe(before);
  });

  it('resets to factory defaults', async () => {
    gw.config.update({ mqtt: { keepalive_s: 33 } });
    const response = await fetch(`${gw.base}/api/config/reset`, { method: 'POST', headers: await mutationHeaders(gw) });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).mqtt.keepalive_s).toBe(60);
    expect(gw.config.get().mqtt.keepalive_s).toBe(60);
  });

  it('reads and updates the MQTT section alone', async () => {
    expect((await read('/api/mqtt/config')).topic_prefix).toBe('tinybms');
    const response = await post('/api/mqtt/config', { enabled: true, broker_uri: 'mqtt://broker.local:1883' });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ enabled: true, broker_uri: 'mqtt://broker.local:1883' });
    const bad = await post('/api/mqtt/config', { broker_uri: 'http://nope' });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error.field).toBe('mqtt.broker_uri');
    expect(gw.config.get().mqtt.broker_uri).toBe('mqtt://broker.local:1883');
  });

  describe('password change', () => {
    it('changes the password: the old one stops working, the new one works', async () => {
      const response = await post('/api/security/password', { current_password: PASSWORD, new_password: 'a-much-better-one' });
      expect(response.status).toBe(200);
      expect((await fetch(`${gw.base}/api/config`, { headers: { Authorization: basicAuth() } })).status).toBe(401);
      expect((await fetch(`${gw.base}/api/config`, { headers: { Authorization: basicAuth('admin', 'a-much-better-one') } })).status).toBe(200);
      expect(gw.logLines.join('\n')).not.toContain('a-much-better-one');
    });

    it('refuses a wrong current password or a weak new one, keeping the old credential', async () => {
      const wrong = await post('/api/security/password', { current_password: 'not-it', new_password: 'a-much-better-one' });
      expect(wrong.status).toBe(400);
      expect((await jsonOf(wrong)).error.field).toBe('current_password');
      const weak = await post('/api/security/password', { current_password: PASSWORD, new_password: 'short' });
      expect(weak.status).toBe(400);
      expect((await jsonOf(weak)).error).toMatchObject({ code: 'weak_password', field: 'new_password' });
      expect(gw.config.verifyWebPassword('admin', DEFAULT_WEB_PASSWORD)).toBe(true);
    });
  });
});
