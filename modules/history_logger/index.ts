/** history_logger's public surface: the module, its page and day types, the CSV codec, the line splitter. */
export { HistoryLogger, MAX_PAGE_LIMIT } from './history_logger';
export type { HistoryLoggerOptions } from './history_logger';
export type { DownloadFormat, HistoryPage } from './history_reader';
export { HistoryReadError } from './day_reader';
export type { HistoryDay } from './day_store';
export { csvHeader, DayLines, formatDay, formatLine, parseDay, sampleOf } from './csv';
export type { CsvLayout, HistorySample, ParsedDay } from './csv';
export { dayOf, dayPath, isDay, HISTORY_DIR } from './days';
export { LineSplitter } from './line_splitter';
export type { SplitLine } from './line_splitter';
