/** Open read-only endpoints: status, live data, diagnostics, metrics, events and link states. */
import { snakeCase } from '../../util/case_keys';
import { queryInteger } from '../body_schema';
import { json, text } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import { get, type RouteTable } from '../router';
import { batterySummary, energyFields } from '../telemetry';

/** The host's heap figures in the API's vocabulary. */
function heapFigures(heap: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(heap)) out[snakeCase(key)] = value;
  return out;
}

export function statusRoutes(kit: RouteKit): RouteTable {
  const { host, services, state } = kit;
  const canStatus = () => {
    if (services.can) return services.can.metrics();
    const port = host.can.status();
    return { state: port.state, tx_error_counter: port.txErrorCounter, rx_error_counter: port.rxErrorCounter, bus_error_count: port.busErrorCount };
  };

  return [
    get('/api/status', 'open', () => {
      const alerts = services.alerts?.activeAlerts();
      return json(200, {
        firmware_version: host.system.firmwareVersion,
        platform: host.system.platform,
        uptime_s: Math.floor(host.system.uptimeMs() / 1000),
        heap: heapFigures(host.system.heap()),
        wifi: services.wifi
          ? services.wifi.metrics()
          : host.wifi
            ? { connected: state.wifi.up, detail: state.wifi.detail, ip: state.wifi.ip ?? null, rssi_dbm: host.wifi.rssi() ?? null }
            : // Node and wired hosts: no radio to report on (not a failure).
              { present: false, connected: false, detail: 'this host has no Wi-Fi radio' },
        mqtt: services.mqtt ? services.mqtt.metrics() : { connected: state.mqtt.up, detail: state.mqtt.detail },
        can: canStatus(),
        uart: services.uart ? services.uart.metrics() : { link_up: state.bmsLink.up, detail: state.bmsLink.detail },
        bms_link: state.bmsLink,
        battery: batterySummary({
          data: state.latest,
          ageMs: state.dataAgeMs(),
          fresh: state.dataFresh(),
          limits: state.limits,
          energy: energyFields(services.energy),
        }),
        // Several packs: one entry per pack, the battery block's fields (the top level is the bank).
        ...(state.packs.length > 0
          ? {
              packs: state.packs.map((p, i) => ({
                pack: i + 1,
                link: p.link,
                ...batterySummary({ data: p.data, ageMs: state.dataAgeMs(p.data), fresh: state.dataFresh(p.data), limits: services.packLimits?.(i + 1) }),
                // The pack view of the UI shows its cells and sensors (the bank's come over /ws/telemetry).
                ...(p.data ? { cell_count: p.data.cell_count, cell_voltage_mv: p.data.cell_voltage_mv, balancing_cells: p.data.balancing_cells, temperatures_c: p.data.temperatures_c } : {}),
              })),
            }
          : {}),
        active_alerts: alerts ? alerts.length : null,
        // The UI shows a banner when recovery is not 'none' (config_recovered / config_reset).
        config: services.config.recoveryStatus?.() ?? null,
        storage_faults: alerts ? alerts.filter((a) => a.code === 'STORAGE_FAULT' && (a as { active?: boolean }).active !== false).map((a) => a.message) : [],
        // The UI's banner; /metrics has it too (web_default_password).
        security: { default_password: services.config.usesDefaultPassword?.() ?? false },
        features: kit.features,
        ota: services.ota?.status?.() ?? null,
      });
    }),
    get('/api/data', 'open', () => {
      if (!state.latest) return json(200, { data_valid: false, age_ms: null });
      return json(200, { ...state.latest, data_valid: state.dataFresh(), age_ms: state.dataAgeMs() });
    }),
    get('/api/energy', 'open', () => {
      const ledger = need(kit.energyLedger, 'energy');
      return json(200, ledger.report(services.config.get().charge.capacity_ah, state.latest?.cell_count));
    }),
    get('/api/diagnostics', 'open', () => json(200, need(services.monitoring, 'monitoring').diagnostics())),
    get('/metrics', 'open', () => text(200, need(services.monitoring, 'monitoring').prometheus(), 'text/plain; version=0.0.4; charset=utf-8')),
    get('/api/events', 'open', (context) => {
      const events = need(services.events, 'events');
      const limit = queryInteger(context.query, 'limit', { min: 1, max: 1000, default: 100 });
      return json(200, { events: events.events(limit) });
    }),
    get('/api/uart/status', 'open', () => json(200, need(services.uart, 'uart').metrics())),
    get('/api/can/status', 'open', () => json(200, canStatus())),
    get('/api/can/gx', 'open', () => json(200, need(kit.gx, 'gx').report(services.can?.metrics() as Record<string, unknown> | undefined, state.limits))),
    get('/api/mqtt/status', 'open', () => json(200, need(services.mqtt, 'mqtt').metrics())),
  ];
}
