/**
 * Boot from a stored configuration opens exactly one MQTT session.
 * SIGTERM to the `npm start` process (what Docker's `CMD npm start` and systemd send): the
 * signal reaches the gateway, which publishes `offline`, says DISCONNECT and exits; no process
 * of the tree is left behind. Real npm, real node, real Mosquitto, a temp data folder.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileKeyValueStore } from '../../../hosts/node/kv_store';
import { ConfigManager } from '../../../modules/config_manager/config_manager';
import { DEVICE_ID_KEY } from '../../../modules/gateway/device_id';
import { MosquittoBroker } from './support/mosquitto';
import { terminate } from './support/process';
import { Subscriber } from './support/subscriber';
import { sleep, waitFor } from './support/wait';

const ROOT = path.resolve(__dirname, '../../..');

/** Every descendant of `pid` (children first-level, then theirs), from ps. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start and signals', () => {
  let broker: MosquittoBroker;
  let dataDir: string;
  let npm: ChildProcess | undefined;
  let tree: number[] = [];
  let subscriber: Subscriber | undefined;
  let output = '';

  beforeAll(async () => {
    broker = await MosquittoBroker.start();
  });

  afterEach(async () => {
    await subscriber?.stop();
    if (npm) await terminate(npm, 1000);
    for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await broker.dispose();
  });

  it('SIGTERM to npm reaches the gateway: offline published, clean DISCONNECT, the whole process tree gone', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-npm-start-'));
    // The stored configuration the gateway boots with: MQTT on the test broker, default (empty) client id.
    const config = new ConfigManager({ store: new FileKeyValueStore(path.join(dataDir, 'store')) });
    config.load();
    const saved = config.update({ mqtt: { enabled: true, broker_uri: `mqtt://127.0.0.1:${broker.port}`, discovery_enabled: false } });
    expect(saved.ok).toBe(true);

    subscriber = await Subscriber.start(broker.port, { topics: ['tinybms/availability'] });
    const logBefore = broker.output.length;
    npm = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) => npm!.once('exit', (code, signal) => resolve(`${code} ${signal}`)));

    await waitFor(() => subscriber!.on('tinybms/availability').some((m) => m.payload === 'online'), `online from npm start (output: ${output})`, 60000);
    const deviceId = new FileKeyValueStore(path.join(dataDir, 'store')).get(DEVICE_ID_KEY) ?? '';
    const clientId = `tinybms-gw-${deviceId}`;
    expect(deviceId).toMatch(/^[0-9a-f]{12}$/);
    // Booting from the stored configuration opens one TCP session, not a throw-away one before the real one.
    await sleep(1000);
    expect(broker.output.slice(logBefore).match(/New connection from/g)).toHaveLength(1);
    tree = descendants(npm.pid as number);
    expect(tree.length).toBeGreaterThan(0);

    npm.kill('SIGTERM');
    const how = await exited;
    expect(how).toBe('0 null');
    await waitFor(() => subscriber!.on('tinybms/availability').some((m) => m.payload === 'offline'), 'offline after SIGTERM');
    // npm got exit code 0 from node (with the tsx CLI or a shell in between, npm died of the signal and node ran on).
    // A clean DISCONNECT, not the broker's last will after a dead socket.
    await waitFor(() => broker.output.includes(`Client ${clientId} disconnected.`), `mosquitto to log the DISCONNECT (log: ${broker.output})`);
    expect(broker.output).not.toContain(`Client ${clientId} closed its connection`);
    await waitFor(() => tree.every((pid) => !alive(pid)), `every process of the tree to exit (${tree.filter(alive).join(', ')})`);
    expect(output).toContain('stopping the gateway');
  }, 90000);
});
