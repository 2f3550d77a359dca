/**
 * CSV events: a header row naming the properties, then one event per record, streamed
 * through csv-parse. `--type` names the event type (required: CSV has no room for it).
 * Cells are typed by the type's schema (engine.schema): int/long must be integers,
 * double any number, boolean true/false; an empty cell is null; other columns stay strings.
 * A cell that does not parse is an `io/invalid-value` error naming file, line, column and value.
 *
 * Like the NDJSON reader it yields batches (everything parsed from one chunk of input), and
 * a record that csv-parse rejects (a stray quote) is yielded as an error so `--on-error skip`
 * can go on. The parser is paused while a batch is out, so memory stays bounded.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import type { ReadItem, ReadProgress, ReaderOptions } from './event-record.js';
import { unknownTypeMessage } from './known-types.js';

type PropertyType = EventSchemaInfo['properties'][number]['type'];

/** undefined: the text is not a value of the type. */
type Converter = (text: string) => unknown;

const INTEGER = /^\s*[+-]?\d+\s*$/;
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$|^\s*[+-]?Infinity\s*$|^\s*NaN\s*$/;
const TRUE = /^\s*true\s*$/i;
const FALSE = /^\s*false\s*$/i;

export function cellConverter(type: PropertyType): Converter {
  switch (type) {
    case 'int':
    case 'long':
      return (t) => (INTEGER.test(t) ? Number(t) : undefined);
    case 'double':
      return (t) => (DECIMAL.test(t) ? Number(t) : undefined);
    case 'boolean':
      return (t) => (TRUE.test(t) ? true : FALSE.test(t) ? false : undefined);
    case 'string':
    case 'any':
      return (t) => t;
  }
}

/** How many records to hold before pausing the parser until the consumer takes them. */
const MAX_BATCH = 4096;

export async function* readCsv(
  path: string,
  options: ReaderOptions,
  progress: ReadProgress = { bytes: 0 },
  file: string = path,
): AsyncGenerator<ReadItem[]> {
  const error = (
    code: 'io/malformed-event-line' | 'io/unknown-event-type' | 'io/invalid-value',
    line: number,
    what: string,
  ) => new WeirError(code, `${file}:${line}: ${what}`, { file, line });
  const type = options.type;
  if (type === undefined) {
    yield [error('io/malformed-event-line', 1, 'CSV events need --type to name their event type')];
    return;
  }
  const schema = options.schemaOf?.(type);
  if (options.schemaOf !== undefined && schema === undefined) {
    yield [error('io/unknown-event-type', 1, `--type: ${unknownTypeMessage(type, options.typeNames?.())}`)];
    return;
  }
  const typeOf = new Map<string, PropertyType>(schema?.properties.map((p) => [p.name, p.type]) ?? []);
  const timeField = options.timeField;
  if (!typeOf.has(timeField)) typeOf.set(timeField, 'long');

  let header: string[] | undefined;
  let converters: Converter[] = [];
  const readHeader = (cells: string[]) => {
    header = cells.map((c) => c.trim());
    converters = header.map((name) => cellConverter(typeOf.get(name) ?? 'string'));
  };
  const toItem = (header: string[], cells: string[], line: number): ReadItem => {
    if (cells.length !== header.length) {
      return error(
        'io/malformed-event-line',
        line,
        `expected ${header.length} fields as in the header, got ${cells.length}`,
      );
    }
    const event: Row = {};
    for (let i = 0; i < cells.length; i++) {
      const name = header[i] as string;
      const text = cells[i] as string;
      if (text === '') {
        event[name] = null;
        continue;
      }
      const value = (converters[i] as Converter)(text);
      if (value === undefined) {
        const what = name === timeField ? 'a time in milliseconds' : (typeOf.get(name) as string);
        return error(
          'io/invalid-value',
          line,
          `column '${name}': cannot read ${JSON.stringify(text)} as ${what}`,
        );
      }
      event[name] = value;
    }
    const ts = event[timeField];
    return { type, timestamp: typeof ts === 'number' ? ts : undefined, event, file, line };
  };

  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
  });
  let queue: ReadItem[] = [];
  let finished = false;
  let failure: Error | undefined;
  let inputFailure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  parser.on('data', (item: { record: string[]; info: { lines: number } }) => {
    if (header === undefined) {
      readHeader(item.record);
      return;
    }
    queue.push(toItem(header, item.record, item.info.lines));
    if (queue.length >= MAX_BATCH) parser.pause();
    notify();
  });
  parser.on('skip', (e: Error & { lines?: number }) => {
    queue.push(error('io/malformed-event-line', e.lines ?? 0, `malformed CSV: ${e.message}`));
    notify();
  });
  const stop = (e?: Error) => {
    if (e !== undefined && failure === undefined) failure = e;
    finished = true;
    notify();
  };
  parser.on('end', () => stop());
  parser.on('error', stop);
  input.on('error', (e) => {
    inputFailure = e;
    stop();
  });
  input.pipe(parser);
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        progress.bytes = input.bytesRead;
        yield batch;
        parser.resume();
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    progress.bytes = input.bytesRead;
    if (inputFailure !== undefined) throw inputFailure;
    if (failure !== undefined) {
      const e = failure as Error & { lines?: number };
      yield [error('io/malformed-event-line', e.lines ?? 0, `malformed CSV: ${e.message}`)];
    }
  } finally {
    input.destroy();
    parser.destroy();
  }
}
