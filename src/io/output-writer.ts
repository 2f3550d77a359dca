/**
 * Listener calls → text, in the CLI's formats. `updates` is the golden-test format: one
 * JSON line per listener call, `{"stmt":…,"time":…,"new":[…]|null,"old":[…]|null}`.
 * Output is buffered and written in chunks, not one write per row.
 */
import type { Writable } from 'node:stream';
import type { Row } from '../common/row.js';
import { toJsonLine } from './json-line.js';

export type OutputFormat = 'updates' | 'ndjson' | 'table' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['updates', 'ndjson', 'table', 'csv'];

export class BufferedWriter {
  private chunks: string[] = [];
  private length = 0;

  constructor(private readonly out: Writable) {}

  write(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    if (this.length > 64 * 1024) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    this.out.write(this.chunks.join(''));
    this.chunks = [];
    this.length = 0;
  }
}

export interface UpdateWriter {
  update(stmt: string, time: number, newEvents: Row[] | null, oldEvents: Row[] | null): void;
  end(): void;
}

export function updatesWriter(out: BufferedWriter): UpdateWriter {
  return {
    update: (stmt, time, n, o) => out.write(`${toJsonLine({ stmt, time, new: n, old: o })}\n`),
    end: () => out.flush(),
  };
}

export function ndjsonWriter(out: BufferedWriter): UpdateWriter {
  const rows = (stmt: string, time: number, stream: string, list: Row[] | null) => {
    if (list !== null) for (const row of list) out.write(`${toJsonLine({ stmt, time, stream, row })}\n`);
  };
  return {
    update: (stmt, time, n, o) => {
      rows(stmt, time, 'new', n);
      rows(stmt, time, 'old', o);
    },
    end: () => out.flush(),
  };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return toJsonLine(value);
  return String(value);
}

function csvCell(value: unknown): string {
  const text = cell(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV: one header per statement (stmt,time,stream,columns…), written when it first outputs. */
export function csvWriter(out: BufferedWriter, columnsOf: (stmt: string) => readonly string[]): UpdateWriter {
  const started = new Set<string>();
  const rows = (stmt: string, time: number, stream: string, list: Row[] | null) => {
    if (list === null) return;
    const columns = columnsOf(stmt);
    if (!started.has(stmt)) {
      started.add(stmt);
      out.write(`${['stmt', 'time', 'stream', ...columns].map(csvCell).join(',')}\n`);
    }
    for (const row of list)
      out.write(`${[stmt, time, stream, ...columns.map((c) => row[c])].map(csvCell).join(',')}\n`);
  };
  return {
    update: (stmt, time, n, o) => {
      rows(stmt, time, 'new', n);
      rows(stmt, time, 'old', o);
    },
    end: () => out.flush(),
  };
}

/** Doubles shortened for reading (the data formats keep full precision). */
function readable(value: unknown): string {
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number(value.toPrecision(8)));
  return cell(value);
}

/**
 * For a terminal: one line per row, `time  statement  +/-  col=value …`, with the time and
 * statement columns aligned across statements so interleaved output stays readable.
 */
export function tableWriter(
  out: BufferedWriter,
  columnsOf: (stmt: string) => readonly string[],
): UpdateWriter {
  let stmtWidth = 4;
  const rows = (stmt: string, time: number, stream: string, list: Row[] | null) => {
    if (list === null) return;
    const columns = columnsOf(stmt);
    stmtWidth = Math.max(stmtWidth, stmt.length);
    for (const row of list) {
      const cells = columns.map((c) => `${c}=${readable(row[c])}`).join('  ');
      out.write(
        `${String(time).padStart(13)}  ${stmt.padEnd(stmtWidth)}  ${stream === 'new' ? '+' : '-'}  ${cells}\n`,
      );
    }
  };
  return {
    update: (stmt, time, n, o) => {
      rows(stmt, time, 'new', n);
      rows(stmt, time, 'old', o);
    },
    end: () => out.flush(),
  };
}
