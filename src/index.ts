/**
 * Weir's public API. Everything a library user needs is exported from here, and nothing else.
 *
 *   const engine = createEngine({ allowedLateness: 500 });
 *   const [avg] = engine.deploy(`
 *     create schema StockTick(symbol string, price double, ts long) timestamp ts;
 *     @name('avg') select symbol, avg(price) as a from StockTick#time(30 sec) group by symbol;
 *   `);
 *   avg.subscribe((newEvents, oldEvents, { time }) => console.log(time, newEvents));
 *   engine.send('StockTick', { symbol: 'IBM', price: 10, ts: 1000 });
 */
export { createEngine } from './runtime/engine.js';
export type { WeirEngineOptions } from './runtime/engine.js';
export type {
  Engine,
  EngineOptions,
  EngineStats,
  EventSchemaInfo,
  LateEvent,
  StatementHandle,
  StatementStats,
  StatementUpdate,
  UpdateContext,
  UpdateListener,
} from './runtime/api.js';
export { checkModule } from './runtime/check-module.js';
export { explainModule } from './runtime/explain-module.js';
export type { ExplainOptions } from './runtime/explain-module.js';
export { parseModule } from './parser/parse-module.js';
export { WeirError, WeirErrors, isWeirError } from './common/errors.js';
export type { ErrorCode } from './common/errors.js';
export type { Span } from './common/span.js';
export type { Row, Update } from './common/row.js';
export type { EplType } from './common/types.js';
