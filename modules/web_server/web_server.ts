/**
 * The web server module: REST API, WebSockets and the UI on the host's HTTP port. Collaborators
 * come in as WebServerServices; live data, alerts and link states arrive on the bus. Hosts may
 * add route tables (the Node host's /api/sim/*).
 */
import type { HttpRequest, HttpRequestHead, HttpResponse, HttpServerHandle, WebSocketSession } from '../../hosts/ports/http';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { Logger } from '../util/logger';
import { type AssetTable, missingUiAssets } from './assets';
import { Authenticator } from './basic_auth';
import { BusFeeds, WS_PATHS } from './bus_feeds';
import { CsrfTokens } from './csrf';
import { EnergyLedger } from './energy_ledger';
import { GatewayState } from './gateway_state';
import { GxView } from './gx_view';
import { type LoginLimiterOptions, LoginLimiter } from './login_limiter';
import { RequestPipeline } from './pipeline';
import { parseTarget } from './request';
import type { RouteKit } from './route_kit';
import { Router, type RouteTable } from './router';
import { alertRoutes } from './routes/alert_routes';
import { configRoutes } from './routes/config_routes';
import { historyRoutes } from './routes/history_routes';
import { registerRoutes } from './routes/register_routes';
import { statusRoutes } from './routes/status_routes';
import { systemRoutes } from './routes/system_routes';
import type { WebServerServices } from './services';
import { originAllowed } from './origin';
import { sessionRoutes } from './routes/session_routes';
import { type Admission, type HubOptions, WebSocketHub } from './ws_hub';
import { WebSocketTickets } from './ws_tickets';
import { errorMessage } from '../util/error_message';

export interface WebServerOptions {
  services: WebServerServices;
  /** The built UI; without it a page says how to build it. */
  assets?: AssetTable;
  /** Host-specific routes (e.g. /api/sim/* on Node); a path the core already has is an error. */
  extraRoutes?: readonly RouteTable[];
  port?: number;
  host?: string;
  telemetryPeriodMs?: number;
  jsonBodyLimitBytes?: number;
  configBodyLimitBytes?: number;
  maxWebSocketClients?: number;
  /** A client with more than this queued is skipped until it catches up. */
  webSocketMaxBufferedBytes?: number;
  /** Anonymous pool, per-address and per-login limits, idle and slow-client times. */
  webSocket?: Partial<HubOptions>;
  uartMessagesPerSecond?: number;
  canMessagesPerSecond?: number;
  restartDelayMs?: number;
  csrfTtlMs?: number;
  login?: LoginLimiterOptions;
}

export class WebServer implements GatewayModule {
  readonly name = 'web_server';
  #context: GatewayContext;
  #options: WebServerOptions;
  #log: Logger;
  #state: GatewayState;
  #hub: WebSocketHub;
  #feeds: BusFeeds;
  #pipeline: RequestPipeline;
  #authenticator: Authenticator;
  #tickets: WebSocketTickets;
  #ledger: EnergyLedger;
  #gx: GxView;
  #assets: AssetTable;
  #listening: Promise<HttpServerHandle> | undefined;
  #stopped: Promise<void> = Promise.resolve();
  #handle: HttpServerHandle | undefined;
  #listenError = '';

  constructor(context: GatewayContext, options: WebServerOptions) {
    const { host } = context;
    if (!host.crypto) throw new Error('web_server needs the host crypto port (Basic auth hashes and CSRF tokens)');
    this.#context = context;
    this.#options = options;
    this.#log = context.logger('web_server');
    this.#assets = options.assets ?? missingUiAssets(host.crypto);
    this.#state = new GatewayState(host.clock, () => context.config().bms.stale_after_ms);
    const hubOptions: Partial<HubOptions> = { ...options.webSocket };
    if (options.maxWebSocketClients !== undefined) hubOptions.maxClients = options.maxWebSocketClients;
    if (options.webSocketMaxBufferedBytes !== undefined) hubOptions.maxBufferedBytes = options.webSocketMaxBufferedBytes;
    this.#hub = new WebSocketHub(host.clock, hubOptions);
    this.#tickets = new WebSocketTickets(host.crypto, host.clock);
    this.#feeds = new BusFeeds({
      bus: context.bus,
      clock: host.clock,
      state: this.#state,
      events: options.services.events,
      hub: this.#hub,
      decoders: options.services.decoders,
      energy: options.services.energy,
      telemetryPeriodMs: options.telemetryPeriodMs ?? 1000,
      uartMessagesPerSecond: options.uartMessagesPerSecond ?? 10,
      canMessagesPerSecond: options.canMessagesPerSecond ?? 50,
    });
    const csrf = new CsrfTokens(host.crypto, host.clock, options.csrfTtlMs);
    const config = options.services.config;
    const authenticator = new Authenticator(
      { verifyWebPassword: (user, password) => config.verifyWebPassword(user, password), webCredential: () => config.get().web },
      new LoginLimiter(host.clock, options.login),
      host.clock,
      host.crypto,
    );
    this.#authenticator = authenticator;
    this.#ledger = new EnergyLedger({ clock: host.clock, store: host.store, energy: options.services.energy, logger: this.#log });
    this.#gx = new GxView(host.clock);
    const jsonBytes = options.jsonBodyLimitBytes ?? 16 * 1024;
    const kit: RouteKit = {
      host,
      services: options.services,
      state: this.#state,
      audit: (level, message) => {
        this.#log[level](message);
        options.services.events?.recordEvent(level === 'warn' ? 'warning' : 'info', 'user_action', message);
      },
      csrf,
      logger: this.#log,
      limits: { jsonBytes, configBytes: options.configBodyLimitBytes ?? 64 * 1024 },
      restartDelayMs: options.restartDelayMs ?? 500,
      energyLedger: this.#ledger,
      gx: this.#gx,
      features: { simulator: false },
    };
    const router = new Router([
      statusRoutes(kit),
      configRoutes(kit),
      alertRoutes(kit),
      historyRoutes(kit),
      registerRoutes(kit),
      systemRoutes(kit),
      sessionRoutes({ tickets: this.#tickets, hub: this.#hub, authenticator, csrf, audit: kit.audit }),
      ...(options.extraRoutes ?? []),
    ]);
    // The simulator's routes come from the host (Node, mcsim): the UI offers its panel only then.
    kit.features.simulator = router.match('GET', '/api/sim/status').kind === 'found';
    this.#pipeline = new RequestPipeline({
      router,
      authenticator,
      csrf,
      assets: () => this.#assets,
      defaultBodyLimit: jsonBytes,
      logger: this.#log,
      onLockout: (address, ms) => {
        const message = `login locked for ${address} for ${Math.ceil(ms / 1000)} s after repeated failures`;
        this.#log.warn(message);
        options.services.events?.recordEvent('warning', 'login_lockout', message);
      },
    });
  }

  start(): void {
    if (this.#listening) return;
    this.#feeds.start();
    this.#hub.start();
    this.#ledger.start();
    this.#gx.start(this.#context.bus);
    const http = this.#context.host.http;
    if (!http) {
      this.#listenError = 'this host has no HTTP port';
      this.#log.error('not serving: this host has no HTTP port');
      this.#listening = Promise.reject(new Error(this.#listenError));
      this.#listening.catch(() => {});
      return;
    }
    const port = this.#options.port ?? 80;
    this.#listening = http.listen(
      { port, host: this.#options.host },
      { request: (request) => this.handleRequest(request), websocket: (head) => this.handleWebSocket(head) },
    );
    this.#listening.then(
      (handle) => {
        this.#handle = handle;
        this.#log.info(`serving on port ${handle.port}`);
      },
      (error) => {
        this.#listenError = errorMessage(error);
        this.#log.error(`cannot listen on port ${port}: ${this.#listenError}`);
      },
    );
  }

  stop(): void {
    this.#feeds.stop();
    this.#hub.stop();
    this.#ledger.stop();
    this.#gx.stop();
    this.#hub.closeAll();
    const listening = this.#listening;
    this.#listening = undefined;
    this.#handle = undefined;
    this.#stopped = listening ? listening.then((handle) => handle.close(), () => undefined) : Promise.resolve();
  }

  /** The bound port once listening (rejects when the host cannot listen). */
  async whenListening(): Promise<number> {
    if (!this.#listening) throw new Error('web_server is not started');
    return (await this.#listening).port;
  }

  whenStopped(): Promise<void> {
    return this.#stopped;
  }

  /** Replace the UI (e.g. after the Node host rebuilt it). */
  setAssets(assets: AssetTable): void {
    this.#assets = assets;
  }

  handleRequest(request: HttpRequest): Promise<HttpResponse> {
    return this.#pipeline.handle(request);
  }

  handleWebSocket(head: HttpRequestHead): WebSocketSession | undefined {
    const target = parseTarget(head.url);
    if (!target || !this.#hub.hasChannel(target.path)) return undefined;
    return this.#hub.session(target.path, this.#admission(head, target.query), (channel, connection) => {
      // A new telemetry client sees the current state at once instead of waiting a period.
      if (channel.path === WS_PATHS.telemetry) connection.send(JSON.stringify(this.#feeds.telemetryNow()));
    });
  }

  /** Who is asking: the Origin must be this gateway; a ticket or Basic credentials make a signed-in client. */
  #admission(head: HttpRequestHead, query: ReadonlyMap<string, string>): Admission {
    const address = head.remoteAddress;
    if (!originAllowed(head.headers.origin, head.headers.host)) return { address, refusal: 'origin not allowed: open the UI from the gateway itself' };
    const ticket = query.get('ticket');
    if (ticket !== undefined) {
      const identity = this.#tickets.redeem(ticket);
      return identity ? { address, identity } : { address, refusal: 'ticket invalid or expired: ask /api/security/ws-ticket for a new one' };
    }
    const authorization = head.headers.authorization;
    if (authorization === undefined) return { address };
    const outcome = this.#authenticator.authenticate(authorization, address);
    if (outcome.kind !== 'ok') return { address, refusal: outcome.kind === 'locked' ? 'too many failed logins' : 'wrong user name or password' };
    return { address, identity: { user: outcome.user, sessionKey: this.#tickets.sessionKey(authorization) } };
  }

  metrics(): ModuleMetrics {
    const counters = this.#pipeline.counters;
    const ws = this.#hub.totals();
    return {
      web_listening: this.#handle !== undefined,
      web_port: this.#handle?.port ?? 0,
      web_listen_error: this.#listenError,
      web_requests_total: counters.requests,
      web_responses_2xx_total: counters.byClass['2xx'],
      web_responses_3xx_total: counters.byClass['3xx'],
      web_responses_4xx_total: counters.byClass['4xx'],
      web_responses_5xx_total: counters.byClass['5xx'],
      web_unauthorized_total: counters.unauthorized,
      web_csrf_refused_total: counters.csrfRefused,
      web_rate_limited_total: counters.rateLimited,
      web_body_refused_total: counters.bodyRefused,
      web_internal_errors_total: counters.internalErrors,
      web_client_aborts_total: counters.clientAborts,
      ...this.#authenticator.metrics(),
      ws_clients: this.#hub.clients,
      ws_anonymous_clients: this.#hub.anonymousClients,
      ws_refused_total: this.#hub.counters.refused,
      ws_refused_policy_total: this.#hub.counters.refusedPolicy,
      ws_evicted_idle_total: this.#hub.counters.evictedIdle,
      ws_evicted_slow_total: this.#hub.counters.evictedSlow,
      ws_tickets_issued_total: this.#tickets.issued,
      ws_tickets_refused_total: this.#tickets.refused,
      ws_messages_sent_total: ws.sent,
      ws_messages_dropped_total: ws.dropped,
    };
  }
}
