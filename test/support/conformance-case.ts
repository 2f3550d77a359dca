/**
 * One conformance case of test/conformance/<name>/ as the tests that replay it through their
 * own engine read it: the module, the events, and the `--end-time` of its `args` (if any).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../../src/common/row.js';
import type { Engine } from '../../src/runtime/api.js';

export interface CaseEvent {
  readonly type: string;
  readonly ts: number;
  readonly data: Row;
}

export interface ConformanceCase {
  readonly epl: string;
  readonly events: CaseEvent[];
  readonly endTime: number | undefined;
}

export function readConformanceCase(dir: string): ConformanceCase {
  const epl = readFileSync(join(dir, 'query.epl'), 'utf8');
  const events = readFileSync(join(dir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CaseEvent);
  const args = existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8') : '';
  const end = /--end-time\s+(\d+)/.exec(args)?.[1];
  return { epl, events, endTime: end === undefined ? undefined : Number(end) };
}

/** Sends the case's events, flushes the buffer, then advances to its end time (as `weir run` does). */
export function replayCase(engine: Engine, c: ConformanceCase): void {
  for (const e of c.events) engine.send(e.type, e.data, e.ts);
  engine.flush();
  if (c.endTime !== undefined) engine.advanceTime(c.endTime);
}
