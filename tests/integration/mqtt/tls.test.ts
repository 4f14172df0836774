/**
 * MQTTS against Mosquitto with certificates made by certs/make-dev-certs.sh: mutual TLS works,
 * and an untrusted or misnamed server certificate, or a missing client certificate, ends in a
 * clear error in the client's status and in the UI's connection test.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sampleLiveData } from '../../unit/mqtt/support/live_data';
import { startGateway, type RunningGateway } from './support/gateway';
import { MosquittoBroker } from './support/mosquitto';
import { Subscriber } from './support/subscriber';
import { waitFor } from './support/wait';

const SCRIPT = path.resolve(__dirname, '../../../certs/make-dev-certs.sh');

interface CertSet {
  dir: string;
  file(name: string): string;
  pem(name: string): string;
}

function makeCerts(root: string, name: string, serverNames: string[] = []): CertSet {
  const dir = path.join(root, name);
  execFileSync(SCRIPT, [dir, ...serverNames], { stdio: 'pipe' });
  return { dir, file: (n) => path.join(dir, n), pem: (n) => fs.readFileSync(path.join(dir, n), 'utf8') };
}

describe('MQTTS', () => {
  let root: string;
  let certs: CertSet;
  let otherCa: CertSet;
  let broker: MosquittoBroker;
  let gateway: RunningGateway | undefined;
  let subscriber: Subscriber | undefined;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-certs-'));
    certs = makeCerts(root, 'dev');
    otherCa = makeCerts(root, 'other');
    broker = await MosquittoBroker.start({ tls: { caFile: certs.file('ca.crt'), certFile: certs.file('server.crt'), keyFile: certs.file('server.key'), requireClientCertificate: true } });
  });

  afterEach(async () => {
    gateway?.stop();
    gateway = undefined;
    await subscriber?.stop();
    subscriber = undefined;
  });

  afterAll(async () => {
    await broker.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const uri = () => `mqtts://127.0.0.1:${broker.port}`;

  it('generates a CA, a server and a client certificate, and refuses to overwrite the CA', () => {
    for (const file of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key']) expect(fs.existsSync(certs.file(file))).toBe(true);
    const verify = execFileSync('openssl', ['verify', '-CAfile', certs.file('ca.crt'), certs.file('server.crt'), certs.file('client.crt')]).toString();
    expect(verify).toContain('server.crt: OK');
    expect(verify).toContain('client.crt: OK');
    expect(() => execFileSync(SCRIPT, [certs.dir], { stdio: 'pipe' })).toThrow(/refusing to overwrite/);
  });

  it('connects with the CA and a client certificate (mutual TLS) and publishes', async () => {
    subscriber = await Subscriber.start(broker.port, {
      topics: ['tinybms/voltage'],
      tls: { caFile: certs.file('ca.crt'), certFile: certs.file('client.crt'), keyFile: certs.file('client.key') },
    });
    gateway = startGateway({ broker_uri: uri(), ca_cert: certs.pem('ca.crt'), client_cert: certs.pem('client.crt'), client_key: certs.pem('client.key'), discovery_enabled: false });
    await gateway.waitForState('connected');
    gateway.bus.publish('bms.data', sampleLiveData(gateway.clock.now()));
    expect((await subscriber.next('tinybms/voltage')).payload).toBe('52.81');
    expect(await gateway.client.testConnection()).toEqual(expect.objectContaining({ ok: true, error: '' }));
  });

  it('rejects a server certificate from a CA it does not trust, with a clear error', async () => {
    gateway = startGateway({ broker_uri: uri(), ca_cert: otherCa.pem('ca.crt'), client_cert: certs.pem('client.crt'), client_key: certs.pem('client.key') });
    await waitFor(() => gateway!.client.status().last_error !== '', 'a connection error');
    const status = gateway.client.status();
    expect(status.state).not.toBe('connected');
    expect(status.last_error).toMatch(/^TLS: the broker's certificate is not trusted \([A-Z_]+\); check the CA certificate$/);
    const test = await gateway.client.testConnection();
    expect([test.ok, test.error]).toEqual([false, status.last_error]);
  });

  it('rejects a server certificate issued for another host name', async () => {
    const misnamed = makeCerts(root, 'misnamed', ['broker.example']);
    const other = await MosquittoBroker.start({ tls: { caFile: misnamed.file('ca.crt'), certFile: misnamed.file('server.crt'), keyFile: misnamed.file('server.key'), requireClientCertificate: false } });
    try {
      gateway = startGateway({ discovery_enabled: false });
      const test = await gateway.client.testConnection({ broker_uri: `mqtts://127.0.0.1:${other.port}`, ca_cert: misnamed.pem('ca.crt') });
      expect(test).toEqual(expect.objectContaining({ ok: false, error: "TLS: the broker's certificate is not issued for 127.0.0.1" }));
    } finally {
      await other.dispose();
    }
  });

  it('explains a refusal when the broker requires a client certificate and none is given', async () => {
    gateway = startGateway({ discovery_enabled: false, enabled: false });
    const test = await gateway.client.testConnection({ broker_uri: uri(), ca_cert: certs.pem('ca.crt') });
    expect(test.ok).toBe(false);
    expect(test.error).toBe('TLS: the broker requires a client certificate (set the client certificate and key)');
  });

  it('explains a refusal of a client certificate from another CA', async () => {
    gateway = startGateway({ discovery_enabled: false, enabled: false });
    const test = await gateway.client.testConnection({ broker_uri: uri(), ca_cert: certs.pem('ca.crt'), client_cert: otherCa.pem('client.crt'), client_key: otherCa.pem('client.key') });
    expect([test.ok, test.error]).toEqual([false, 'TLS: the broker rejected the client certificate']);
  });

  it('reports unreadable PEM material instead of crashing', async () => {
    gateway = startGateway({ discovery_enabled: false, enabled: false });
    const brokenKey = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    const test = await gateway.client.testConnection({ broker_uri: uri(), ca_cert: certs.pem('ca.crt'), client_cert: certs.pem('client.crt'), client_key: brokenKey });
    expect(test.ok).toBe(false);
    expect(test.error).toMatch(/^TLS settings rejected: /);
  });
});
