/** config_manager's public surface: the manager, the schema and its helpers, validation. */
export { ConfigManager, CONFIG_STORE_KEY, defaultConfig } from './config_manager';
export type { ConfigLoadStatus, ConfigManagerOptions, ConfigResult } from './config_manager';
export type * from './config_types';
export {
  CONFIG_SCHEMA,
  CONFIG_VERSION,
  DEFAULT_WEB_PASSWORD,
  SECRET_MASK,
} from './schema';
export { fieldAt, forEachLeaf } from './fields';
export type { AnyField, LeafField, NumberField, TextField, BooleanField, ChoiceField, SectionField } from './fields';
export { validate } from './validate';
export type { ConfigError, ConfigErrorCode, ValidationResult } from './validate';
export { maskSecrets, SECRET_PATHS } from './secrets';
export { ChunkedStore } from './chunked_store';
