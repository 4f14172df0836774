/**
 * The overview: SOC, pack values, cells, temperatures, charge limits and link states. With
 * several packs, a selector shows the bank (default) or one pack's own values, cells and limits.
 */
import { useEffect, useState } from 'preact/hooks';
import type { LinkStatus } from '../api/types';
import { Card } from '../components/card';
import { CellBars } from '../components/cell_bars';
import { EnergyCard } from '../components/energy_card';
import { GxPanel } from '../components/gx_panel';
import { LimitWhy } from '../components/limit_why';
import { LinkBadge } from '../components/link_badge';
import { PackSelector } from '../components/pack_selector';
import { Notice } from '../components/notice';
import { SocGauge } from '../components/soc_gauge';
import { Stat } from '../components/stat';
import { DASH, duration, fixed } from '../format';
import { battery, isStale, status, statusError, statusReceivedAt, telemetryState } from '../state/live';
import { batteryView, packsOf, selectedPack } from '../state/packs';
import { useStore } from '../state/store';

/** Re-render once a second so staleness shows even when nothing arrives. */
function useTick(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
}

function currentTone(amps: number | undefined): 'good' | 'warn' | undefined {
  if (typeof amps !== 'number') return undefined;
  return amps > 0.05 ? 'good' : amps < -0.05 ? 'warn' : undefined;
}

export function DashboardPage() {
  useTick(1000);
  const bank = useStore(battery);
  const gateway = useStore(status);
  const statusAt = useStore(statusReceivedAt);
  const chosen = useStore(selectedPack);
  const packs = packsOf(gateway);
  const view = batteryView(chosen, bank, gateway, statusAt, (gateway?.bms_link ?? gateway?.uart) as LinkStatus | undefined);
  const live = view.live;
  const shown = view.pack ? `Pack ${view.pack}` : packs.length > 0 ? 'Bank' : undefined;
  const unreachable = useStore(statusError);
  const socket = useStore(telemetryState);
  const d = live?.data ?? {};
  const stale = isStale(live);
  const temps = d.temperatures_c ?? [];
  const socketLevel = socket === 'open' ? 'up' : socket === 'connecting' ? 'warn' : 'down';
  const uptimeS = typeof gateway?.uptime_s === 'number' ? gateway.uptime_s : typeof gateway?.uptime_ms === 'number' ? gateway.uptime_ms / 1000 : undefined;

  return (
    <div class="page dashboard">
      {unreachable && <Notice kind="error">Gateway unreachable: {unreachable}</Notice>}
      {live && stale && (
        <Notice kind="warn" testId="stale-banner">
          Battery data is stale or invalid — values below are the last known ones and do not drive charge limits.
        </Notice>
      )}
      {!live && !unreachable && <Notice kind="info">Waiting for battery data…</Notice>}
      <PackSelector packs={packs} selected={view.pack} onSelect={(pack) => selectedPack.set(pack)} />

      <div class="grid grid-top">
        <Card title={shown ?? 'Battery'} class="card-gauge" testId="battery-card">
          <SocGauge soc={d.state_of_charge_pct} soh={d.state_of_health_pct} stale={stale} />
          <div class="status-line">
            <span class={`pill status-${d.online_status ?? 'unknown'}`} data-testid="online-status">
              {(d.online_status ?? 'unknown').replace(/_/g, ' ')}
            </span>
          </div>
        </Card>

        <Card title={view.pack ? `Pack ${view.pack} values` : 'Pack'}>
          <div class={`stats ${stale ? 'is-stale' : ''}`}>
            <Stat label="Voltage" value={fixed(d.pack_voltage_v, 2, 'V')} testId="pack-voltage" />
            <Stat label="Current" value={fixed(d.pack_current_a, 1, 'A')} tone={currentTone(d.pack_current_a)} hint="+ = charging" testId="pack-current" />
            <Stat label="Power" value={fixed(d.power_w, 0, 'W')} testId="pack-power" />
            <Stat label="Cell Δ" value={fixed(d.cell_delta_mv, 0, 'mV')} />
            <Stat label="Charged" value={fixed(d.charged_energy_wh, 0, 'Wh')} />
            <Stat label="Discharged" value={fixed(d.discharged_energy_wh, 0, 'Wh')} />
          </div>
        </Card>

        <Card title={view.pack ? `Pack ${view.pack} own limits` : 'Charge limits'}>
          <div class="stats">
            <Stat label="CVL" value={fixed(d.charge_voltage_limit_v, 2, 'V')} hint="Charge voltage limit" testId="limit-cvl" />
            <Stat label="CCL" value={fixed(d.charge_current_limit_a, 1, 'A')} hint="Charge current limit" testId="limit-ccl" />
            <Stat label="DCL" value={fixed(d.discharge_current_limit_a, 1, 'A')} hint="Discharge current limit" testId="limit-dcl" />
            <Stat label="DVL" value={fixed(d.discharge_voltage_limit_v, 2, 'V')} hint="Discharge voltage limit" />
          </div>
          <LimitWhy limiting={d.limiting} bounds={d.bms_bounds} />
          {d.limit_reasons && d.limit_reasons.length > 0 && (
            <p class="muted small reasons" data-testid="limit-reasons">
              Why: {d.limit_reasons.join(' · ').replace(/_/g, ' ')}
            </p>
          )}
        </Card>

        <Card title="Links">
          <div class="links">
            <LinkBadge name="BMS" link={view.bmsLink} />
            <LinkBadge name="CAN" link={gateway?.can} />
            <LinkBadge name="MQTT" link={gateway?.mqtt} />
            <LinkBadge name="Wi-Fi" link={gateway?.wifi} />
            <span class={`badge level-${socketLevel}`} data-testid="link-live" data-level={socketLevel}>
              <span class="dot" aria-hidden="true" />
              <span class="badge-name">Live feed</span>
              <span class="badge-state">{socket}</span>
            </span>
          </div>
          <dl class="kv compact">
            <div class="kv-row">
              <dt>Firmware</dt>
              <dd>{gateway?.firmware_version ?? gateway?.version ?? DASH}</dd>
            </div>
            <div class="kv-row">
              <dt>Uptime</dt>
              <dd>{duration(uptimeS)}</dd>
            </div>
          </dl>
        </Card>
      </div>

      <Card title={`${view.pack ? `Pack ${view.pack} cells` : 'Cells'}${d.cell_count ? ` (${d.cell_count})` : ''}`} testId="cells-card">
        <CellBars cells={d.cell_voltage_mv} balancing={d.balancing_cells} stale={stale} />
      </Card>

      <Card title="Temperatures">
        <div class={`stats ${stale ? 'is-stale' : ''}`}>
          <Stat label="Max" value={fixed(d.max_temperature_c, 1, '°C')} testId="temp-max" />
          <Stat label="Min" value={fixed(d.min_temperature_c, 1, '°C')} />
          {typeof d.internal_temperature_c === 'number' && <Stat label="BMS board" value={fixed(d.internal_temperature_c, 1, '°C')} />}
          {temps.map((t, i) => (
            <Stat key={i} label={`Sensor ${i + 1}`} value={fixed(t, 1, '°C')} />
          ))}
        </div>
      </Card>

      <div class="grid grid-2">
        <EnergyCard timeLeftS={d.time_left_s} currentA={d.pack_current_a} stale={stale} />
        <GxPanel />
      </div>
    </div>
  );
}
