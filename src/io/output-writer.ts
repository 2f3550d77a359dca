/** The CLI's output formats and the writer for each. */
import { assertNever } from '../common/assert-never.js';
import type { ByteSink } from './byte-sink.js';
import { csvWriter } from './csv-writer.js';
import { ndjsonWriter } from './ndjson-writer.js';
import { tableWriter } from './table-writer.js';
import type { StatementColumns, UpdateWriter } from './update-writer.js';
import { updatesWriter } from './updates-writer.js';

export type OutputFormat = 'updates' | 'ndjson' | 'table' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['updates', 'ndjson', 'table', 'csv'];

export function createWriter(
  format: OutputFormat,
  out: ByteSink,
  statements: readonly StatementColumns[],
): UpdateWriter {
  switch (format) {
    case 'updates':
      return updatesWriter(out);
    case 'ndjson':
      return ndjsonWriter(out);
    case 'csv':
      return csvWriter(out, statements);
    case 'table':
      return tableWriter(out, statements);
    default:
      return assertNever(format);
  }
}
