/** The dashboard's "Why": what holds CVL, CCL and DCL where they are, and which TinyBMS cut-off bounds are active. */

/** Readable names for charge control's limiting factors (modules/can_publisher/charge_control.ts). */
const LABELS: Readonly<Record<string, string>> = Object.freeze({
  config_max: 'configured maximum',
  config_cell_max: 'configured cell maximum',
  config_cell_min: 'configured cell minimum',
  bulk: 'bulk voltage',
  absorption: 'absorption voltage',
  float: 'float voltage',
  full_charge: 'periodic full charge (BMS fully-charged voltage)',
  cvl_paced: 'CVL change paced (≥ 20 s apart)',
  ccl_ramp: 'CCL ramping up',
  cell_overvoltage: 'highest cell near its maximum',
  cell_undervoltage: 'lowest cell near its minimum',
  no_cell_temperature: 'no cell temperature sensor',
  charge_temperature_low: 'too cold to charge',
  charge_temperature_high: 'too hot to charge',
  charge_temperature_derating: 'temperature derating',
  discharge_temperature_high: 'too hot to discharge',
  discharge_temperature_derating: 'temperature derating',
  discharge_temperature_low: 'too cold to discharge',
  discharge_temperature_cold_derating: 'cold derating',
  soc_charge_taper: 'SOC near full',
  soc_discharge_taper: 'SOC near empty',
  imbalance_hold: 'cells being balanced',
  cell_count_mismatch: 'cell count differs from the configuration',
  bms_overvoltage_cutoff: 'BMS over-voltage cut-off (reg 315)',
  bms_undervoltage_cutoff: 'BMS under-voltage cut-off (reg 316)',
  bms_discharge_overcurrent_cutoff: 'BMS discharge over-current cut-off (reg 317)',
  bms_charge_overcurrent_cutoff: 'BMS charge over-current cut-off (reg 318)',
  bms_overheat_cutoff: 'BMS over-heat cut-off (reg 319)',
  bms_low_temp_charge_cutoff: 'BMS low-temperature charge cut-off (reg 320)',
});

export function limitLabel(reason: string): string {
  const known = LABELS[reason];
  if (known) return known;
  if (reason.startsWith('bms_fault_')) return `BMS fault: ${reason.slice('bms_fault_'.length).replace(/_/g, ' ')}`;
  return reason.replace(/_/g, ' ');
}

export function LimitWhy({ limiting, bounds }: { limiting?: { cvl?: string; ccl?: string; dcl?: string }; bounds?: string[] }) {
  if (!limiting && !(bounds && bounds.length)) return null;
  const rows = (['cvl', 'ccl', 'dcl'] as const).filter((k) => limiting?.[k]);
  return (
    <div class="limit-why small" data-testid="limit-why">
      {rows.length > 0 && (
        <dl>
          {rows.map((k) => (
            <div key={k} class={limiting![k]!.startsWith('bms_') ? 'is-bms' : ''}>
              <dt>{k.toUpperCase()}</dt>
              <dd data-testid={`limit-why-${k}`} title={limiting![k]}>
                {limitLabel(limiting![k]!)}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {bounds && bounds.length > 0 && (
        <p class="muted" data-testid="limit-bms-bounds">
          BMS cut-off bound active: {bounds.map(limitLabel).join(' · ')}
        </p>
      )}
    </div>
  );
}
