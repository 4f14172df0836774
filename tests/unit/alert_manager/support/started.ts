/** A started AlertManager on a test context, and the codes it raised or cleared. */
import { AlertManager } from '../../../../modules/alert_manager';
import { createTestContext, eventsNamed, type TestContext } from './context';

export function started(config?: Parameters<typeof createTestContext>[0]) {
  const t = createTestContext(config);
  const alerts = new AlertManager(t.ctx);
  alerts.start();
  return { t, alerts };
}

export const codesOf = (t: TestContext, name: 'alert.raised' | 'alert.cleared') => eventsNamed(t.events, name).map((a) => a.code);
