/** Energy per day and month from running counters: restarts, day and month changes, persistence, cycles. */
import { MemoryStore } from '../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { loadEnergy, saveEnergy } from '../../../modules/can_publisher/energy_store';
import { DatedBuckets, EnergyLedger } from '../../../modules/web_server/energy_ledger';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(store = new MemoryStore(), wallStart = Date.UTC(2026, 0, 31, 23, 0, 0)) {
  const clock = new VirtualClock(0, wallStart);
  const totals = { charged_wh: 0, discharged_wh: 0 };
  const ledger = new EnergyLedger({ clock, store, energy: { energyTotals: () => ({ ...totals }) }, logger: silent });
  return { clock, totals, ledger, store };
}

describe('EnergyLedger', () => {
  it('shares the store with the CAN publisher\'s running counters without overwriting them', () => {
    const store = new MemoryStore();
    saveEnergy(store, { charged_wh: 1234, discharged_wh: 567 });
    const { clock, totals, ledger } = setup(store);
    ledger.start();
    totals.discharged_wh = 100;
    clock.advance(60_000);
    ledger.stop(); // saves the ledger
    expect(loadEnergy(store).totals).toEqual({ charged_wh: 1234, discharged_wh: 567 });
    const again = setup(store);
    again.ledger.start();
    expect(again.ledger.report(100, 16).lifetime.discharged_wh).toBe(100);
  });

  it('splits growth by UTC day and month and counts equivalent full cycles', () => {
    const { clock, totals, ledger } = setup();
    ledger.start();
    totals.discharged_wh = 1000;
    clock.advance(60_000);
    clock.advance(3600_000); // past midnight: 1 February
    totals.discharged_wh = 1500;
    totals.charged_wh = 200;
    clock.advance(60_000);
    const report = ledger.report(100, 16);
    expect(report.days).toEqual([
      { date: '2026-01-31', charged_wh: 0, discharged_wh: 1000 },
      { date: '2026-02-01', charged_wh: 200, discharged_wh: 500 },
    ]);
    expect(report.months.map((m) => m.month)).toEqual(['2026-01', '2026-02']);
    expect(report.today).toEqual({ date: '2026-02-01', charged_wh: 200, discharged_wh: 500 });
    expect(report.this_month).toEqual({ month: '2026-02', charged_wh: 200, discharged_wh: 500 });
    // 1500 Wh out of a 100 Ah × 16 × 3.2 V = 5120 Wh pack.
    expect(report.equivalent_full_cycles).toBeCloseTo(0.29, 2);
    expect(ledger.report(undefined, 16).equivalent_full_cycles).toBeNull();
  });

  it('takes a counter restart as a new baseline and keeps what was saved across a gateway restart', () => {
    const store = new MemoryStore();
    const first = setup(store);
    first.ledger.start();
    first.totals.discharged_wh = 400;
    first.clock.advance(60_000);
    first.ledger.stop(); // saves
    const second = setup(store, Date.UTC(2026, 0, 31, 23, 10, 0));
    second.totals.discharged_wh = 5; // the new process's counter starts low
    second.ledger.start();
    second.totals.discharged_wh = 105;
    second.clock.advance(60_000);
    expect(second.ledger.report(100, 16).today.discharged_wh).toBe(500);
  });
});

describe('DatedBuckets', () => {
  it('keeps the newest `capacity` labels in order, drops older ones, and writes the stored form', () => {
    const table = new DatedBuckets(3);
    for (const day of ['2026-01-02', '2026-01-04', '2026-01-01', '2026-01-03']) table.add(day, 1, 2);
    expect(table.labels()).toEqual(['2026-01-02', '2026-01-03', '2026-01-04']);
    table.add('2026-01-01', 5, 5); // older than every kept day: dropped, as the ledger always did
    table.add('2026-01-04', 0.5, 0);
    table.add('2026-01-05', 1, 0);
    expect(table.labels()).toEqual(['2026-01-03', '2026-01-04', '2026-01-05']);
    expect(table.get('2026-01-04')).toEqual({ charged_wh: 1.5, discharged_wh: 2 });
    expect(table.get('2026-01-02')).toBeUndefined();
    expect(JSON.parse(table.toJson())).toEqual({
      '2026-01-03': { charged_wh: 1, discharged_wh: 2 },
      '2026-01-04': { charged_wh: 1.5, discharged_wh: 2 },
      '2026-01-05': { charged_wh: 1, discharged_wh: 0 },
    });
  });

  it('the ledger keeps 31 days and 24 months, and reads what the earlier object-keyed version saved', () => {
    const store = new MemoryStore();
    const days: Record<string, { charged_wh: number; discharged_wh: number }> = {};
    for (let d = 1; d <= 40; d++) days[new Date(Date.UTC(2025, 11, d)).toISOString().slice(0, 10)] = { charged_wh: d, discharged_wh: 0 };
    store.put('energy_ledger', JSON.stringify({ days, months: { '2025-12': { charged_wh: 1, discharged_wh: 2 } }, lifetime: { charged_wh: 10, discharged_wh: 20 } }));
    const { ledger, clock, totals } = setup(store);
    ledger.start();
    const report = ledger.report(100, 16);
    expect(report.days).toHaveLength(31);
    expect(report.days[0].date).toBe('2025-12-10');
    expect(report.months).toEqual([{ month: '2025-12', charged_wh: 1, discharged_wh: 2 }]);
    expect(report.lifetime).toEqual({ charged_wh: 10, discharged_wh: 20 });
    totals.charged_wh = 1;
    clock.advance(60_000); // 2026-01-31 joins, the oldest kept day goes
    ledger.stop();
    const saved = JSON.parse(store.get('energy_ledger') as string);
    expect(Object.keys(saved.days)).toHaveLength(31);
    expect(Object.keys(saved.days)[30]).toBe('2026-01-31');
    expect(saved.days['2025-12-10']).toBeUndefined();
    expect(saved.months['2026-01']).toEqual({ charged_wh: 1, discharged_wh: 0 });
    expect(saved.lifetime).toEqual({ charged_wh: 11, discharged_wh: 20 });
  });
});
