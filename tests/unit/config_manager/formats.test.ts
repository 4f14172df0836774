import { checkFormat } from '../../../modules/config_manager/formats';

describe('text formats', () => {
  it.each(['mqtt://broker', 'mqtts://broker.example.com:8883', 'mqtt://192.168.1.10:1883', 'mqtt://[fd00::1]:1883', 'mqtt://host/'])('accepts broker URI %s', (uri) => {
    expect(checkFormat('mqtt_uri', uri)).toBeUndefined();
  });

  it.each(['http://broker', 'mqtt://', 'broker:1883', 'mqtt://host:0', 'mqtt://host:70000', 'mqtt://bad_host', 'mqtt://300.1.1.1', 'mqtt://host/topic'])('refuses broker URI %s', (uri) => {
    expect(checkFormat('mqtt_uri', uri)).toEqual(expect.any(String));
  });

  it('checks host names label by label', () => {
    expect(checkFormat('hostname', 'tinybms-gw')).toBeUndefined();
    expect(checkFormat('hostname', 'gw.local')).toBeUndefined();
    expect(checkFormat('hostname', '-gw')).toMatch(/label/);
    expect(checkFormat('hostname', 'gw..local')).toMatch(/label/);
    expect(checkFormat('hostname', 'a'.repeat(64))).toMatch(/label/);
  });

  it('refuses wildcards, empty levels and $ in topic prefixes', () => {
    expect(checkFormat('topic_prefix', 'tinybms/garage')).toBeUndefined();
    expect(checkFormat('topic_prefix', 'tiny/#')).toMatch(/wildcard/);
    expect(checkFormat('topic_prefix', 'tiny/+/x')).toMatch(/wildcard/);
    expect(checkFormat('topic_prefix', '/tinybms')).toMatch(/empty levels/);
    expect(checkFormat('topic_prefix', 'tinybms/')).toMatch(/empty levels/);
    expect(checkFormat('topic_prefix', '$SYS')).toMatch(/reserved/);
    expect(checkFormat('topic_prefix', 'tiny bms')).toMatch(/spaces/);
  });

  it('accepts one or several PEM blocks and nothing else', () => {
    const block = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ+==\n-----END CERTIFICATE-----';
    expect(checkFormat('pem', block)).toBeUndefined();
    expect(checkFormat('pem', `${block}\n${block}\n`)).toBeUndefined();
    expect(checkFormat('pem', 'MIIBszCCAVmgAwIBAgIUQ')).toMatch(/expected a PEM block/);
    expect(checkFormat('pem', `junk\n${block}`)).toMatch(/outside/);
    expect(checkFormat('pem', `${block}\njunk`)).toMatch(/after the last/);
    expect(checkFormat('pem', block.replace('END CERTIFICATE', 'END PRIVATE KEY'))).toMatch(/ends with/);
  });

  it('checks Wi-Fi passphrases as WPA2 does', () => {
    expect(checkFormat('wpa_passphrase', '12345678')).toBeUndefined();
    expect(checkFormat('wpa_passphrase', 'f'.repeat(64))).toBeUndefined();
    expect(checkFormat('wpa_passphrase', '1234567')).toMatch(/8–63/);
    expect(checkFormat('wpa_passphrase', 'x'.repeat(64))).toMatch(/8–63/);
  });

  it('refuses a colon in a user name (Basic auth separator)', () => {
    expect(checkFormat('username', 'admin')).toBeUndefined();
    expect(checkFormat('username', 'ad:min')).toEqual(expect.any(String));
  });
});
