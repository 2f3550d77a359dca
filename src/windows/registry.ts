import { extTimedBatchWindow } from './ext-timed-batch.js';
/** Data windows by EPL name. Adding one: a WindowDef in its file and a line here. */
import { extTimedWindow } from './ext-timed.js';
import { firstEventWindow, firstLengthWindow, firstUniqueWindow } from './first-length.js';
import { groupwinWindow } from './groupwin.js';
import { keepallWindow } from './keepall.js';
import { lastEventWindow } from './lastevent.js';
import { lengthBatchWindow } from './length-batch.js';
import { lengthWindow } from './length.js';
import { sortWindow } from './sort.js';
import { timeAccumWindow } from './time-accum.js';
import { timeBatchWindow } from './time-batch.js';
import { timeLengthBatchWindow } from './time-length-batch.js';
import { timeWindow } from './time.js';
import { uniqueWindow } from './unique.js';
import type { WindowDef } from './window-def.js';

const ALL = [
  lengthWindow,
  lengthBatchWindow,
  timeWindow,
  timeBatchWindow,
  extTimedWindow,
  extTimedBatchWindow,
  keepallWindow,
  uniqueWindow,
  lastEventWindow,
  firstLengthWindow,
  firstUniqueWindow,
  firstEventWindow,
  groupwinWindow,
  sortWindow,
  timeLengthBatchWindow,
  timeAccumWindow,
] as WindowDef[];

export const windowRegistry: ReadonlyMap<string, WindowDef> = new Map(ALL.map((w) => [w.name, w]));

/** Case-insensitive; Esper's older names (`win:length` → `length`) are stripped by the parser. */
export function lookupWindow(name: string): WindowDef | undefined {
  return windowRegistry.get(name.toLowerCase());
}
