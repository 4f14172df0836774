/**
 * The Node gateway as a child process for the crash campaign and the boot tests: the simulated
 * gateway on DATA_DIR (real files), web server on an ephemeral port. It reports on stdout, one
 * line each, what the parent checks after a SIGKILL:
 *   READY <json>     once started: port, loaded config marker, recovery, energy, alerts
 *   ACK <n>          a config save whose marker is G<n> returned ok (durable)
 *   ENERGY <json>    the live energy counters, every 100 ms
 *   SAVE <json>      with PROBE_SAVE=1: the outcome of one config save after start
 *   CAN <n>          CAN frames sent so far, every 100 ms (the BMS→CAN path is alive)
 * With HAMMER=1 it saves the config in a loop (marker G<n+1> after G<n>) while history samples
 * every second (written at once).
 */
import { ConsoleLog } from '../../../../hosts/node/log';
import { startSimulatedGateway } from '../../../../hosts/node/simulated_gateway';

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
const hammer = process.env.HAMMER === '1';
const say = (line: string) => process.stdout.write(`${line}\n`);

const app = startSimulatedGateway({
  dataDir,
  port: 0,
  mode: 'realistic',
  seed: 7,
  log: new ConsoleLog({ minimumLevel: 'warn', write: (_level, line) => process.stderr.write(`${line}\n`) }),
  ota: {},
  // Short bounds so each short life persists something; the loss window below is what the parent allows.
  energySave: { thresholdWh: 0.05, minIntervalMs: 200, maxIntervalMs: 400 },
});
const { gateway } = app;

function marker(): number {
  const match = /^G(\d+)$/.exec(gateway.config.get().can.battery_name);
  return match ? Number(match[1]) : -1;
}

async function main(): Promise<void> {
  const port = await gateway.web?.whenListening();
  const config = gateway.config.get();
  say(
    `READY ${JSON.stringify({
      port,
      marker: marker(),
      battery_name: config.can.battery_name,
      max_charge_current_a: config.charge.max_charge_current_a,
      recovery: gateway.config.recoveryStatus(),
      energy: gateway.canPublisher.energyTotals(),
      alerts: gateway.alerts.activeAlerts().map((a) => a.code),
      events: gateway.alerts.events(1000).length,
    })}`,
  );
  setInterval(() => {
    say(`ENERGY ${JSON.stringify({ t: Date.now(), ...gateway.canPublisher.energyTotals() })}`);
    say(`CAN ${app.can.sent.length}`);
  }, 100);
  if (process.env.PROBE_SAVE === '1') {
    // A change every time (a save of an unchanged config writes nothing).
    const result = gateway.config.update({ history: { sample_interval_s: 1, flush_interval_s: 0 }, can: { battery_name: `P${Date.now() % 1_000_000}` } });
    say(`SAVE ${JSON.stringify(result.ok ? { ok: true } : { ok: false, errors: result.errors })}`);
  }
  if (!hammer) return;
  // Lives are ~1 s: every sample is written (and fsynced) at once, so kills land on history writes too.
  if (config.history.sample_interval_s !== 1 || config.history.flush_interval_s !== 0) {
    gateway.config.update({ history: { sample_interval_s: 1, flush_interval_s: 0 }, charge: { max_charge_current_a: 30 } });
  }
  const next = () => {
    const n = marker() + 1;
    const result = gateway.config.update({ can: { battery_name: `G${n}` } });
    if (result.ok) say(`ACK ${n}`);
    else say(`NACK ${n} ${JSON.stringify(result.errors)}`);
    setImmediate(next);
  };
  next();
}

main().catch((error: unknown) => {
  process.stderr.write(`child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
