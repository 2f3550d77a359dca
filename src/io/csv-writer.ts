/**
 * CSV output: one header `stmt,time,stream,<columns>` where the columns are the union of
 * every statement's columns in statement order, then one record per row with empty cells
 * for the columns its statement lacks. One header keeps the file loadable by spreadsheets
 * and CSV tools even when several statements interleave.
 *
 * null is an empty cell; an empty string is `""` so the two stay distinguishable; objects
 * and arrays are written as JSON.
 */
import type { Row } from '../common/row.js';
import type { BufferedWriter } from './buffered-writer.js';
import { toJson } from './json-line.js';
import type { StatementColumns, UpdateWriter } from './update-writer.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? toJson(value) : String(value);
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvWriter(out: BufferedWriter, statements: readonly StatementColumns[]): UpdateWriter {
  const union: string[] = [];
  for (const s of statements) for (const c of s.columns) if (!union.includes(c)) union.push(c);
  // Per statement, for each union position, the column to read (undefined: not its column).
  const layouts = new Map<string, (string | undefined)[]>(
    statements.map((s) => [s.name, union.map((c) => (s.columns.includes(c) ? c : undefined))]),
  );
  const fallback = (row: Row) => union.map((c) => (Object.hasOwn(row, c) ? c : undefined));
  out.write(`${['stmt', 'time', 'stream', ...union].map(csvCell).join(',')}\n`);

  const rows = (prefix: string, stmt: string, list: Row[] | null) => {
    if (list === null) return;
    const layout = layouts.get(stmt);
    for (const row of list) {
      let line = prefix;
      for (const c of layout ?? fallback(row)) line += `,${c === undefined ? '' : csvCell(row[c])}`;
      out.write(`${line}\n`);
    }
  };
  return {
    update: (stmt, time, n, o) => {
      const head = `${csvCell(stmt)},${time}`;
      rows(`${head},new`, stmt, n);
      rows(`${head},old`, stmt, o);
    },
    end: () => out.flush(),
  };
}
