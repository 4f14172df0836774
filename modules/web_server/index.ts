/** web_server's public surface: the module, its service interfaces, route and asset types. */
export { WebServer } from './web_server';
export type { WebServerOptions } from './web_server';
export type * from './services';
export type { AccessLevel, Route, RouteContext, RouteMethod, RouteTable } from './router';
export type { AssetTable, WebAsset } from './assets';
export { assetEtag, contentTypeFor, createAsset, missingUiAssets } from './assets';
export { ApiError, json, text, validationError } from './responses';
export type { FieldError } from './responses';
export * as bodySchema from './body_schema';
export { WS_PATHS } from './bus_feeds';
export { AUTH_REALM } from './pipeline';
export { BMS_COMMANDS } from './routes/system_routes';
export { REGISTER_CATEGORIES } from './register_view';
export { REGISTER_EXPORT_FORMAT } from './routes/register_routes';
