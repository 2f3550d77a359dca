/**
 * The Esper-produced `core-win-*` conformance cases replayed through the window chain alone:
 * events.ndjson goes into the chain built from the query's window list (fake context, clock
 * advanced to --end-time at the end); each emit, projected to the selected columns, must
 * equal expected.ndjson (time, new rows and old rows as multisets, null vs empty side).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { type UpdateLine, compareUpdates, parseLines } from '../support/compare-updates.js';
import { FakeWindowContext, type RecordedEmit } from '../support/fake-window-context.js';
import { chainOf } from '../support/window-spec.js';

const ROOT = join(import.meta.dirname, '..', 'conformance');

interface GoldenQuery {
  readonly stmt: string;
  readonly windows: string;
  readonly columns: readonly string[] | '*';
  readonly schema: readonly string[];
  /** `group by` key when the select list aggregates (core-win-keepall-count). */
  readonly groupBy: string | undefined;
}

function parseQuery(text: string): GoldenQuery {
  const schema = /create\s+schema\s+\w+\s*\(([^)]*)\)/i.exec(text);
  const select =
    /@name\('(\w+)'\)\s*select\s+irstream\s+(.*?)\s+from\s+\w+((?:#\w+(?:\([^)]*\))?)+)(.*);/is.exec(text);
  if (schema === null || select === null) throw new Error(`unexpected query shape: ${text}`);
  const cols = (select[2] as string).trim();
  const groupBy = /group\s+by\s+(\w+)/i.exec(select[4] as string)?.[1];
  return {
    stmt: select[1] as string,
    windows: select[3] as string,
    columns: cols === '*' ? '*' : cols.split(',').map((c) => c.trim()),
    schema: (schema[1] as string).split(',').map((p) => (p.trim().split(/\s+/)[0] as string).trim()),
    groupBy,
  };
}

function project(row: Row, q: GoldenQuery): Row {
  const names = q.columns === '*' ? q.schema : q.columns;
  const out: Row = {};
  for (const n of names) out[n] = row[n] ?? null;
  return out;
}

/** Plain select list: every emitted event becomes one projected row. */
function plainLines(emits: readonly RecordedEmit[], q: GoldenQuery): UpdateLine[] {
  const side = (rows: Row[] | null) => (rows === null ? null : rows.map((r) => project(r, q)));
  return emits.map((e) => ({ stmt: q.stmt, time: e.time, new: side(e.inserted), old: side(e.removed) }));
}

/**
 * `select irstream symbol, count(*) as cnt, sum(volume) as vol … group by symbol`, computed
 * naively here from the window's emits: one row per group touched, new = the group's
 * aggregates after the step, old = before (count 0, sum null for a new group).
 */
function groupedLines(emits: readonly RecordedEmit[], q: GoldenQuery): UpdateLine[] {
  const key = q.groupBy as string;
  const members = new Map<unknown, Row[]>();
  const aggregate = (k: unknown): Row => {
    const rows = members.get(k) ?? [];
    const vols = rows.map((r) => r.volume).filter((v): v is number => typeof v === 'number');
    return { [key]: k, cnt: rows.length, vol: vols.length === 0 ? null : vols.reduce((a, b) => a + b, 0) };
  };
  return emits.map((e) => {
    const touched = [...new Set([...(e.inserted ?? []), ...(e.removed ?? [])].map((r) => r[key]))];
    const before = touched.map(aggregate);
    for (const r of e.inserted ?? []) members.set(r[key], [...(members.get(r[key]) ?? []), r]);
    for (const r of e.removed ?? [])
      members.set(
        r[key],
        (members.get(r[key]) ?? []).filter((m) => m !== r),
      );
    return { stmt: q.stmt, time: e.time, new: touched.map(aggregate), old: before };
  });
}

function replay(dir: string): { actual: UpdateLine[]; expected: UpdateLine[] } {
  const q = parseQuery(readFileSync(join(dir, 'query.epl'), 'utf8'));
  const args = existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8') : '';
  const endTime = /--end-time\s+(\d+)/.exec(args)?.[1];
  const events = readFileSync(join(dir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { ts: number; data: Row });
  const first = events[0];
  if (first === undefined) throw new Error(`${dir}: no events`);
  // The statement starts at the first event's timestamp (EPL-SEMANTICS.md, "Time").
  const ctx = new FakeWindowContext(first.ts);
  const window = chainOf(q.windows, ctx);
  for (const e of events) ctx.send(window, { ...e.data }, e.ts);
  if (endTime !== undefined) ctx.advanceTo(Number(endTime));
  const actual = q.groupBy === undefined ? plainLines(ctx.emits, q) : groupedLines(ctx.emits, q);
  return { actual, expected: parseLines(readFileSync(join(dir, 'expected.ndjson'), 'utf8')) };
}

const cases = readdirSync(ROOT)
  .filter((d) => d.startsWith('core-win-'))
  .sort();

describe('core-win-* golden cases through the window chain', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
  });
  for (const name of cases) {
    it(name, () => {
      const { actual, expected } = replay(join(ROOT, name));
      expect(compareUpdates(actual, expected)).toBeUndefined();
    });
  }
});
