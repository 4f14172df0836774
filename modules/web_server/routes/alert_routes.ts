/** Active alerts (open), clearing latched ones and acknowledging by code (user + CSRF). */
import type { AlertCode } from '../../alert_manager/alert';
import { arrayOf, boolean, objectOf, oneOf, optional, validateBody } from '../body_schema';
import { ApiError, json } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import type { Route, RouteTable } from '../router';

export const ALERT_CODES: readonly AlertCode[] = Object.freeze([
  'OVER_VOLTAGE',
  'UNDER_VOLTAGE',
  'OVER_TEMP',
  'OVER_CURRENT',
  'CELL_IMBALANCE',
  'BMS_COMM_LOST',
  'MQTT_DISCONNECTED',
  'WIFI_DISCONNECTED',
]);

const acknowledgeBody = objectOf({
  codes: optional(arrayOf(oneOf(ALERT_CODES), { minItems: 1, maxItems: ALERT_CODES.length })),
  all: optional(boolean),
});

export function alertRoutes(kit: RouteKit): RouteTable {
  const alerts = () => need(kit.services.alerts, 'alerts');
  const listActive = (path: string): Route => ({
    method: 'GET',
    path,
    access: 'open',
    handle: () => {
      const active = alerts().active();
      return json(200, { alerts: active, count: active.length });
    },
  });

  return [
    listActive('/api/alarms'),
    listActive('/api/alerts'),
    {
      method: 'POST',
      path: '/api/alerts/clear',
      access: 'user_csrf',
      handle: async ({ body, user }) => {
        const service = alerts();
        await body.json({ optional: true });
        const cleared = service.clearLatched();
        kit.journal.add('alerts_cleared', 'info', `${cleared} latched alert(s) cleared by ${user}`);
        return json(200, { cleared });
      },
    },
    {
      method: 'POST',
      path: '/api/alarms/acknowledge',
      access: 'user_csrf',
      handle: async ({ body, user }) => {
        const service = alerts();
        const request = validateBody(acknowledgeBody, (await body.json({ optional: true })) ?? {});
        if (request.codes && request.all) throw new ApiError(400, 'conflict', 'give either codes or all, not both', { field: 'all' });
        const codes = request.codes ?? 'all';
        const acknowledged = service.acknowledge(codes);
        kit.journal.add('alerts_acknowledged', 'info', `${acknowledged} alert(s) acknowledged by ${user}`, { codes });
        return json(200, { acknowledged });
      },
    },
  ];
}
