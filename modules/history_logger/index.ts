/** history_logger's public surface: the module, its page and day types, the CSV codec. */
export { HistoryLogger, MAX_PAGE_LIMIT } from './history_logger';
export type { HistoryLoggerOptions, HistoryPage } from './history_logger';
export type { HistoryDay } from './day_store';
export { csvHeader, formatDay, formatLine, parseDay, sampleOf } from './csv';
export type { CsvLayout, HistorySample, ParsedDay } from './csv';
export { dayOf, dayPath, isDay, HISTORY_DIR } from './days';
