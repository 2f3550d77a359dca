/**
 * Writing and reading a list of stateful parts (a statement's, or a context partition's
 * instance's). A part several lists hold (a window shared by statements of one deployment, or
 * by the statements of one context partition) is written once, where it is first met; later
 * lists refer to it by index, and a restore checks that the rebuilt lists share it the same
 * way. One writer and one reader serve a whole snapshot, found from its StateWriter or
 * StateReader, so statements and context partitions share one numbering.
 */
import { WeirError } from '../../common/errors.js';
import type { StateReader, StateWriter } from '../../common/state.js';
import type { StatePart } from '../../physical/physical-env.js';
import type { PartSnapshot } from './engine-snapshot.js';

const writers = new WeakMap<StateWriter, PartListWriter>();
const readers = new WeakMap<StateReader, PartListReader>();

export class PartListWriter {
  private readonly seen = new Map<unknown, number>();

  private constructor(private readonly w: StateWriter) {}

  /** The part-list writer of the snapshot `w` writes. */
  static of(w: StateWriter): PartListWriter {
    let writer = writers.get(w);
    if (writer === undefined) {
      writer = new PartListWriter(w);
      writers.set(w, writer);
    }
    return writer;
  }

  /** `parts` of `owner` (a statement, named in errors), in order. */
  write(parts: readonly StatePart[], owner: string): PartSnapshot[] {
    return parts.map(({ label, part }): PartSnapshot => {
      const same = this.seen.get(part);
      if (same !== undefined) return { label, same };
      this.seen.set(part, this.seen.size);
      if (typeof part.snapshot !== 'function') throw unsupported(owner, label);
      return { label, state: part.snapshot(this.w) };
    });
  }
}

export class PartListReader {
  private readonly restored: unknown[] = [];

  private constructor(private readonly r: StateReader) {}

  static of(r: StateReader): PartListReader {
    let reader = readers.get(r);
    if (reader === undefined) {
      reader = new PartListReader(r);
      readers.set(r, reader);
    }
    return reader;
  }

  /** Restores `parts` of `owner` from `saved` (the same labels in the same order). */
  read(parts: readonly StatePart[], saved: readonly PartSnapshot[], owner: string): void {
    if (parts.length !== saved.length) {
      throw mismatch(`${owner} has ${parts.length} stateful parts, the snapshot ${saved.length}`);
    }
    parts.forEach(({ label, part }, j) => {
      const s = saved[j] as PartSnapshot;
      if (s.label !== label) throw mismatch(`${owner} part ${j} is a ${label}, not a ${s.label}`);
      if ('same' in s) {
        if (this.restored[s.same] !== part) throw mismatch(`${owner} does not share its ${label}`);
        return;
      }
      this.restored.push(part);
      if (typeof part.restore !== 'function') throw unsupported(owner, label);
      part.restore(s.state, this.r);
    });
  }
}

function unsupported(owner: string, label: string): WeirError {
  return new WeirError(
    'snapshot/unsupported',
    `Cannot snapshot ${owner}: its ${label} does not implement the state contract yet`,
  );
}

export function mismatch(detail: string): WeirError {
  return new WeirError('snapshot/mismatch', `The snapshot does not match its own deployments: ${detail}`);
}
