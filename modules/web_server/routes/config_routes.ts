/**
 * Configuration endpoints (user level; mutations also need CSRF): read masked, deep-merge
 * update, export/import/reset, the MQTT section and its connection test, CSRF tokens and the
 * password change.
 * Every write goes through the config manager, which validates the whole result first, so a
 * refused request changes nothing.
 */
import type { HttpResponse } from '../../../hosts/ports/http';
import type { ConfigResult } from '../../config_manager/config_manager';
import { objectOf, textOf, validateBody } from '../body_schema';
import { ApiError, download, json, JSON_TYPE } from '../responses';
import type { RouteKit } from '../route_kit';
import { get, post, type RouteTable } from '../router';

/** The masked config (or a part of it) on success; otherwise the error with every invalid field. */
function configAnswer(result: ConfigResult, pick: (masked: Record<string, unknown>) => unknown, kit: RouteKit): HttpResponse {
  if (result.ok) return json(200, pick(kit.services.config.getMasked() as unknown as Record<string, unknown>));
  const first = result.errors[0] ?? { field: '', code: 'invalid', message: 'invalid configuration' };
  // Validation problems are the client's (400); a store that cannot write, or no crypto, are ours.
  const status = first.code === 'persist_failed' ? 500 : first.code === 'crypto_unavailable' ? 503 : 400;
  const named = first.field ? `${first.field}: ${first.message}` : first.message;
  const message = result.errors.length > 1 ? `${named} (and ${result.errors.length - 1} more problem(s))` : named;
  throw new ApiError(status, status === 400 ? 'invalid_config' : first.code, message, { field: first.field, errors: result.errors });
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_type', `${what} must be a JSON object`, { field: '' });
  }
  return value as Record<string, unknown>;
}

const passwordChange = objectOf({
  current_password: textOf({ minLength: 1, maxLength: 128 }),
  new_password: textOf({ minLength: 1, maxLength: 128 }),
});

export function configRoutes(kit: RouteKit): RouteTable {
  const config = kit.services.config;
  const whole = (masked: Record<string, unknown>) => masked;
  const mqttPart = (masked: Record<string, unknown>) => masked.mqtt;
  const configLimit = kit.limits.configBytes;

  return [
    get('/api/config', 'user', () => json(200, config.getMasked())),
    post('/api/config', 'user_csrf', async ({ body }) => configAnswer(config.update(requireObject(await body.json(), 'a configuration update')), whole, kit), configLimit),
    get('/api/config/export', 'user', ({ query }) => {
      const includeSecrets = query.get('include_secrets') === '1' || query.get('include_secrets') === 'true';
      return download(config.export({ includeSecrets }), JSON_TYPE, 'tinybms-gw-config.json');
    }),
    post('/api/config/import', 'user_csrf', async ({ body, user }) => {
      const document = requireObject(await body.json(), 'a configuration file');
      const result = config.import(JSON.stringify(document));
      if (!result.ok) return configAnswer(result, whole, kit);
      kit.audit('info', `configuration replaced from an import by ${user}`);
      const answer = configAnswer(result, whole, kit);
      // The login is never imported: say which of its fields the file tried to change.
      if (result.ignored && result.ignored.length > 0) answer.headers['X-Ignored-Fields'] = result.ignored.join(', ');
      return answer;
    }, configLimit),
    post('/api/config/reset', 'user_csrf', async ({ body, user }) => {
      await body.json({ optional: true });
      const result = config.reset();
      if (result.ok) kit.audit('warn', `configuration reset to factory defaults by ${user} (web password too)`);
      return configAnswer(result, whole, kit);
    }),
    get('/api/mqtt/config', 'user', () => json(200, config.getMasked().mqtt)),
    post('/api/mqtt/config', 'user_csrf', async ({ body }) => configAnswer(config.update({ mqtt: requireObject(await body.json(), 'an MQTT configuration') }), mqttPart, kit), configLimit),
    // The UI's "test connection": the MQTT section as POST /api/mqtt/config takes it (unsaved;
    // masked secrets mean the stored ones), tried once with a throw-away session. Saves nothing.
    post('/api/mqtt/test', 'user_csrf', async ({ body }) => {
      const mqtt = kit.services.mqtt;
      if (!mqtt?.testConnection) throw new ApiError(503, 'mqtt_unavailable', 'this gateway has no MQTT client to test with');
      const settings = (await body.json({ optional: true })) ?? {};
      const preview = config.preview({ mqtt: requireObject(settings, 'MQTT settings') });
      if (!preview.ok) return configAnswer(preview, mqttPart, kit);
      return json(200, await mqtt.testConnection(preview.config.mqtt));
    }, configLimit),
    get('/api/security/csrf', 'user', ({ user }) => json(200, kit.csrf.issue(user as string))),
    post('/api/security/password', 'user_csrf', async ({ body, user }) => {
      const change = validateBody(passwordChange, await body.json());
      if (!config.verifyWebPassword(user as string, change.current_password)) {
        throw new ApiError(400, 'wrong_password', 'the current password is not correct', { field: 'current_password' });
      }
      const result = config.setWebPassword(change.new_password);
      if (!result.ok) {
        const first = result.errors[0];
        const status = first.code === 'weak_password' ? 400 : first.code === 'crypto_unavailable' ? 503 : 500;
        throw new ApiError(status, first.code, first.message, { field: 'new_password' });
      }
      kit.audit('info', `web password changed by ${user}`);
      return json(200, { status: 'changed' });
    }),
  ];
}
