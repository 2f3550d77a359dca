/**
 * For a terminal: one line per row,
 *
 *   1700000010584  spikes      +  symbol=ACME   price=103.79  previous=100.52
 *
 * (event time, statement, `+` insert stream / `-` remove stream, then `column=value`). It
 * streams, so a long replay prints as it goes and holds nothing: each statement's cells are
 * padded to a width that leaves room for typical values and grows (up to a cap) when a wider
 * value appears, so a statement's rows stay aligned. Doubles are shortened to 8 significant digits for reading;
 * the data formats (updates, ndjson, csv) keep full precision.
 */
import type { Row } from '../common/row.js';
import type { ByteSink } from './byte-sink.js';
import { toJson } from './json-line.js';
import type { StatementColumns, UpdateWriter } from './update-writer.js';

/** Wider cells are printed whole but do not widen the column for the rows after them. */
const MAX_PAD = 32;
/**
 * Room reserved after `name=` from the first row on, so columns rarely shift later: shortened
 * doubles (8 significant digits) and typical keys fit in 9 characters.
 */
const VALUE_ROOM = 9;

export function readableValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    return Number.isInteger(value) || !Number.isFinite(value)
      ? String(value)
      : String(Number(value.toPrecision(8)));
  }
  if (typeof value === 'object') return toJson(value);
  return String(value);
}

/** What a null row reads as. */
const NO_VALUES: Row = Object.freeze({});

function initialWidths(columns: readonly string[]): number[] {
  return columns.map((c) => c.length + 1 + VALUE_ROOM);
}

interface Layout {
  readonly columns: readonly string[];
  readonly widths: number[];
}

export function tableWriter(out: ByteSink, statements: readonly StatementColumns[]): UpdateWriter {
  const layouts = new Map<string, Layout>(
    statements.map((s) => [s.name, { columns: s.columns, widths: initialWidths(s.columns) }]),
  );
  let stmtWidth = Math.max(4, ...statements.map((s) => s.name.length));

  const layoutOf = (stmt: string, row: Row): Layout => {
    let layout = layouts.get(stmt);
    if (layout === undefined) {
      const columns = Object.keys(row);
      layout = { columns, widths: initialWidths(columns) };
      layouts.set(stmt, layout);
      stmtWidth = Math.max(stmtWidth, stmt.length);
    }
    return layout;
  };

  const rows = (time: number, stmt: string, sign: string, list: Row[] | null) => {
    if (list === null) return;
    const head = `${String(time).padStart(13)}  ${stmt.padEnd(stmtWidth)}  ${sign}`;
    for (const listed of list) {
      // Esper posts null rows in some output-snapshot cases: every column is null then.
      const row = listed ?? NO_VALUES;
      const { columns, widths } = layoutOf(stmt, row);
      let line = head;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as string;
        const cell = `${column}=${readableValue(row[column])}`;
        const width = widths[i] as number;
        if (cell.length > width && cell.length <= MAX_PAD) widths[i] = cell.length;
        line += `  ${i === columns.length - 1 ? cell : cell.padEnd(widths[i] as number)}`;
      }
      out.text(`${line}\n`);
    }
  };
  return {
    statement: (stmt) => (time, n, o) => {
      rows(time, stmt, '+', n);
      rows(time, stmt, '-', o);
    },
    end: () => out.flush(),
  };
}
