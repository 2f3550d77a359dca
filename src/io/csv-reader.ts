/**
 * CSV events (header row, `--type` required), streamed through csv-parse. Values are typed
 * by the event type's schema: numbers parsed, booleans true/false, empty cells null; a value
 * that does not parse is an error naming file, line, column and value.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import type { ReadResult, ReaderOptions } from './event-record.js';

type Converter = (text: string) => unknown;

const NOT_PARSED = Symbol('not parsed');

function converter(type: string): Converter {
  switch (type) {
    case 'int':
    case 'long':
      return (t) => (/^[+-]?\d+$/.test(t.trim()) ? Number(t) : NOT_PARSED);
    case 'double':
      return (t) => {
        const n = Number(t);
        return t.trim() !== '' && !Number.isNaN(n) ? n : NOT_PARSED;
      };
    case 'boolean':
      return (t) => (/^true$/i.test(t.trim()) ? true : /^false$/i.test(t.trim()) ? false : NOT_PARSED);
    default:
      return (t) => t;
  }
}

export async function* readCsv(
  file: string,
  options: ReaderOptions,
  schemaOf: (type: string) => EventSchemaInfo | undefined,
): AsyncGenerator<ReadResult[]> {
  const type = options.type;
  const fail = (
    line: number,
    message: string,
    code: 'io/malformed-event-line' | 'io/unknown-event-type' | 'io/invalid-value',
  ) => ({ ok: false, error: new WeirError(code, `${file}:${line}: ${message}`, { file, line }) }) as const;
  if (type === undefined) {
    yield [fail(1, 'CSV events need --type to name their event type', 'io/malformed-event-line')];
    return;
  }
  const schema = schemaOf(type);
  if (schema === undefined) {
    yield [fail(1, `unknown event type '${type}'`, 'io/unknown-event-type')];
    return;
  }
  const converters = new Map<string, Converter>(schema.properties.map((p) => [p.name, converter(p.type)]));
  converters.set(options.timeField, converter('long'));
  const parser = createReadStream(file).pipe(
    parse({ columns: true, skip_empty_lines: true, relax_column_count: false, bom: true, info: true }),
  );
  try {
    for await (const item of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const line = item.info.lines;
      const event: Row = {};
      let error: ReadResult | undefined;
      for (const [column, text] of Object.entries(item.record)) {
        const convert = converters.get(column);
        if (convert === undefined) {
          event[column] = text;
          continue;
        }
        if (text === '') {
          event[column] = null;
          continue;
        }
        const value = convert(text);
        if (value === NOT_PARSED) {
          error = fail(
            line,
            `column '${column}': cannot read ${JSON.stringify(text)} as ${column === options.timeField ? 'a timestamp' : schema.properties.find((p) => p.name === column)?.type}`,
            'io/invalid-value',
          );
          break;
        }
        event[column] = value;
      }
      if (error !== undefined) {
        yield [error];
        continue;
      }
      const ts = event[options.timeField];
      yield [
        {
        ok: true,
        record: { type, timestamp: typeof ts === 'number' ? ts : undefined, event, file, line },
      }];
    }
  } catch (e) {
    const err = e as Error & { lines?: number };
    yield [fail(err.lines ?? 0, `malformed CSV: ${err.message}`, 'io/malformed-event-line')];
  }
}
