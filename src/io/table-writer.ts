/**
 * For a terminal: one line per row,
 *
 *   1700000010584  spikes      +  symbol=ACME   price=103.79  previous=100.52
 *
 * (event time, statement, `+` insert stream / `-` remove stream, then `column=value`). It
 * streams, so a long replay prints as it goes and holds nothing: each statement's cells are
 * padded to the widest value seen so far (capped), which keeps its rows aligned once the
 * first few have been printed. Doubles are shortened to 8 significant digits for reading;
 * the data formats (updates, ndjson, csv) keep full precision.
 */
import type { Row } from '../common/row.js';
import type { BufferedWriter } from './buffered-writer.js';
import { toJson } from './json-line.js';
import type { StatementColumns, UpdateWriter } from './update-writer.js';

/** Wider cells are printed whole but do not widen the column for the rows after them. */
const MAX_PAD = 32;

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

interface Layout {
  readonly columns: readonly string[];
  readonly widths: number[];
}

export function tableWriter(out: BufferedWriter, statements: readonly StatementColumns[]): UpdateWriter {
  const layouts = new Map<string, Layout>(
    statements.map((s) => [s.name, { columns: s.columns, widths: s.columns.map(() => 0) }]),
  );
  let stmtWidth = Math.max(4, ...statements.map((s) => s.name.length));

  const layoutOf = (stmt: string, row: Row): Layout => {
    let layout = layouts.get(stmt);
    if (layout === undefined) {
      const columns = Object.keys(row);
      layout = { columns, widths: columns.map(() => 0) };
      layouts.set(stmt, layout);
      stmtWidth = Math.max(stmtWidth, stmt.length);
    }
    return layout;
  };

  const rows = (time: number, stmt: string, sign: string, list: Row[] | null) => {
    if (list === null) return;
    const head = `${String(time).padStart(13)}  ${stmt.padEnd(stmtWidth)}  ${sign}`;
    for (const row of list) {
      const { columns, widths } = layoutOf(stmt, row);
      let line = head;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as string;
        const cell = `${column}=${readableValue(row[column])}`;
        const width = widths[i] as number;
        if (cell.length > width && cell.length <= MAX_PAD) widths[i] = cell.length;
        line += `  ${i === columns.length - 1 ? cell : cell.padEnd(widths[i] as number)}`;
      }
      out.write(`${line}\n`);
    }
  };
  return {
    update: (stmt, time, n, o) => {
      rows(time, stmt, '+', n);
      rows(time, stmt, '-', o);
    },
    end: () => out.flush(),
  };
}
