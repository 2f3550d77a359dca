/**
 * DuckDB on one thread doing a workload's job, file to file (the end-to-end table's DuckDB
 * column): read the flat StockTick NDJSON (or the CSV), run the workload's query in SQL, and
 * write the rows with `COPY (…) TO <out> (FORMAT json)`.
 *
 *   node bench/.build/e2e/duckdb-child.js <workload> <file.ndjson|file.csv> <out.json>
 *
 * The queries say in SQL what the EPL says (see DUCKDB_QUERIES): a sliding `#time(30 sec)` is
 * a window frame over the 29,999 ms before each row and the row itself (an event leaves the
 * Esper window exactly 30 s after it arrived); `#time_batch(1 sec)` is a bucket of 1,000 ms
 * counted from the first event, posted only once the clock has reached its end (the last
 * bucket, still open when the input ends, is not posted: Weir's clock stays at the last event),
 * with a row of count 0 for a symbol that was in the previous bucket but not in this one (Esper
 * posts a row for every group the batch or the previous batch touched).
 */
import { DuckDBInstance } from '@duckdb/node-api';

const COLUMNS = "{symbol: 'VARCHAR', price: 'DOUBLE', volume: 'BIGINT', ts: 'BIGINT'}";

/** The events as a table: flat NDJSON, or CSV (header symbol,price,volume,ts) for a `.csv` file. */
function source(file: string): string {
  return file.endsWith('.csv')
    ? `read_csv(${quote(file)}, header = true, columns = ${COLUMNS})`
    : `read_json(${quote(file)}, format = 'newline_delimited', columns = ${COLUMNS})`;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const sliding = (aggregate: string) => (t: string) =>
  `SELECT symbol, ${aggregate}(price) OVER (PARTITION BY symbol ORDER BY ts RANGE BETWEEN 29999 PRECEDING AND CURRENT ROW) AS "${aggregate}(price)" FROM ${t}`;

/** Each workload's query over a table expression `t`. */
export const DUCKDB_QUERIES: Record<string, (t: string) => string> = {
  filter: (t) => `SELECT symbol, price, volume, ts FROM ${t} WHERE price > 50`,
  'sliding-avg': sliding('avg'),
  'tumbling-count': (t) =>
    `WITH e AS (SELECT * FROM ${t}), b AS (SELECT min(ts) AS t0, max(ts) AS t1 FROM e),
     c AS (SELECT b.t0 + ((e.ts - b.t0) // 1000 + 1) * 1000 AS time, e.symbol AS symbol, count(*) AS n
           FROM e, b GROUP BY 1, 2),
     k AS (SELECT time, symbol FROM c UNION SELECT time + 1000, symbol FROM c)
     SELECT k.time, k.symbol, coalesce(c.n, 0) AS "count(*)"
     FROM k LEFT JOIN c USING (time, symbol), b WHERE k.time <= b.t1`,
  'sliding-max': sliding('max'),
  'sliding-median': sliding('median'),
};

async function main(): Promise<void> {
  const [name, file, out] = process.argv.slice(2);
  const query = DUCKDB_QUERIES[name as string];
  if (query === undefined || file === undefined || out === undefined) {
    throw new Error(
      `usage: duckdb-child <${Object.keys(DUCKDB_QUERIES).join('|')}> <file.ndjson> <out.json>`,
    );
  }
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await db.connect();
  await connection.run(`COPY (${query(source(file))}) TO ${quote(out)} (FORMAT json)`);
  connection.closeSync();
}

await main();
