/** Active alerts (open), clearing latched ones and acknowledging by code (user + CSRF). */
import { ALERT_CODES, type AlertCode, isAlertCode } from '../../alert_manager/alert';
import { arrayOf, boolean, type Check, objectOf, optional, validateBody } from '../body_schema';
import { ApiError, json } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import { get, post, type Route, type RouteTable } from '../router';

/** A gateway code of the spec table, or a per-pack code such as BMS_COMM_LOST_P2 (several packs). */
const alertCode: Check<AlertCode> = (value, field, errors) => {
  if (isAlertCode(value)) return value;
  errors.push({ field, code: 'not_allowed', message: `must be one of ${ALERT_CODES.map((a) => JSON.stringify(a)).join(', ')}, or a per-pack code such as "BMS_COMM_LOST_P2"` });
  return undefined;
};
/** Room for every gateway code and the per-pack codes of a few packs. */
const codeList = arrayOf(alertCode, { minItems: 1, maxItems: ALERT_CODES.length * 4 });
const clearBody = objectOf({ codes: optional(codeList) });
const acknowledgeBody = objectOf({ codes: optional(codeList), all: optional(boolean) });

export function alertRoutes(kit: RouteKit): RouteTable {
  const alerts = () => need(kit.services.alerts, 'alerts');
  const listActive = (path: string): Route =>
    get(path, 'open', () => {
      const active = alerts().activeAlerts();
      return json(200, { alerts: active, count: active.length });
    });

  return [
    listActive('/api/alarms'),
    listActive('/api/alerts'),
    post('/api/alerts/clear', 'user_csrf', async ({ body, user }) => {
      const service = alerts();
      const { codes } = validateBody(clearBody, (await body.json({ optional: true })) ?? {});
      const cleared = service.clear(codes);
      // Logged here with the user; the alert manager puts the clearing in the event log itself.
      kit.logger.info(`latched alerts cleared by ${user}: ${cleared.join(', ') || 'none'}`);
      return json(200, { cleared, count: cleared.length });
    }),
    post('/api/alarms/acknowledge', 'user_csrf', async ({ body, user }) => {
      const service = alerts();
      const request = validateBody(acknowledgeBody, (await body.json({ optional: true })) ?? {});
      if (request.codes && request.all) throw new ApiError(400, 'conflict', 'give either codes or all, not both', { field: 'all' });
      const acknowledged = service.acknowledge(request.codes ?? 'all');
      kit.logger.info(`alerts acknowledged by ${user}: ${acknowledged.join(', ') || 'none'}`);
      return json(200, { acknowledged, count: acknowledged.length });
    }),
  ];
}
