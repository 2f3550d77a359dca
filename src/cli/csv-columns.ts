/**
 * The columns of a CSV event file against its closed type (`--type`), checked once per file
 * from the header: a column the type does not declare is ignored and a declared property
 * without a column reads as null in every row, so each is reported (a warning, or with
 * `--strict` an error) instead of passing silently.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { printable } from '../common/printable.js';
import type { EventSchemaInfo } from '../runtime/api.js';

/** The file's first line (up to 64 KiB), without its line break. */
function headerLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(65_536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.search(/\r?\n/);
    return nl < 0 ? text : text.slice(0, nl);
  } finally {
    closeSync(fd);
  }
}

/** What differs, as one line, or undefined when the header names exactly the declared properties. */
export function csvColumnProblems(
  path: string,
  shown: string,
  schema: EventSchemaInfo,
  timeField: string,
): string | undefined {
  if (schema.open) return undefined;
  // Plain header cells (quoted ones are unquoted; a header with commas inside quotes is rare).
  const columns = headerLine(path)
    .split(',')
    .map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
    .filter((c) => c !== '');
  const declared = new Set(schema.properties.map((p) => p.name));
  const undeclared = columns.filter((c) => !declared.has(c) && c !== timeField);
  const missing = [...declared].filter((p) => !columns.includes(p) && p !== schema.timestampProperty);
  if (undeclared.length === 0 && missing.length === 0) return undefined;
  const type = printable(schema.name);
  return [
    `${printable(shown)}:1:`,
    undeclared.length === 0
      ? ''
      : ` columns not declared by '${type}' are ignored: ${undeclared.map(printable).join(', ')};`,
    missing.length === 0
      ? ''
      : ` declared properties of '${type}' without a column read as null: ${missing.map(printable).join(', ')};`,
  ]
    .join('')
    .replace(/;$/, '');
}
