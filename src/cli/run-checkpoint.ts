/**
 * `weir run --checkpoint DIR`: crash-safe replay. Every `--checkpoint-every` (a number of
 * events, or a wall-clock period) the run writes, atomically (serve/checkpoint-file.ts: temp
 * file, fsync, rename), the engine snapshot with where reading stands (file, byte offset,
 * line) and how long the output file is, after the output up to there has reached the disk.
 * Run again after the process died, the same command truncates the output to the recorded
 * length, restores the engine, seeks the input and goes on: the finished output is byte for
 * byte the output of an uninterrupted run. A finished run removes its checkpoint.
 *
 * Checkpoints are taken between reader batches, where the engine is between two `send`
 * calls (its snapshot's only requirement) and every event of the lines before the recorded
 * offset has been sent.
 */
import { fsyncSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
import type { FeedFile, FeedPosition } from '../io/event-feed.js';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from '../serve/checkpoint-file.js';
import { parsePeriod } from './parse-period.js';

/** How often to checkpoint: after this many events read, or this much wall-clock time. */
export type CheckpointEvery = { readonly events: number } | { readonly ms: number };

export const DEFAULT_CHECKPOINT_EVERY = '1 sec';

/** `--checkpoint-every`: a whole number of events (`50000`, `50000 events`) or an EPL time period (`5 sec`). */
export function parseCheckpointEvery(text: string): CheckpointEvery {
  const count = /^\s*(\d+)\s*(events?)?\s*$/.exec(text);
  if (count !== null) {
    const events = Number(count[1]);
    if (!Number.isSafeInteger(events) || events < 1) {
      throw new WeirError(
        'cli/invalid-option',
        `--checkpoint-every expects at least 1 event, got '${printable(text)}'`,
      );
    }
    // A bare 0 is not a period either: "every 0 events" is no cadence.
    return { events };
  }
  let ms: number;
  try {
    ms = parsePeriod(text, '--checkpoint-every');
  } catch {
    throw new WeirError(
      'cli/invalid-option',
      `--checkpoint-every expects a number of events (50000) or a time period (5 sec), got '${printable(text)}'`,
    );
  }
  if (ms <= 0) {
    throw new WeirError(
      'cli/invalid-option',
      `--checkpoint-every needs a period above 0, got '${printable(text)}'`,
    );
  }
  return { ms };
}

/** What must be the same for a run to resume another's checkpoint (the command's meaning). */
export interface RunIdentity {
  readonly events: readonly string[];
  readonly out: string;
  readonly format: string;
  readonly type: string | null;
  readonly timeField: string;
  readonly lateness: number;
  readonly endTime: number | null;
  readonly maxTimeJump: number | null;
  readonly onError: string;
  readonly alertsOnly: boolean;
}

/** The run's side of a checkpoint (the engine's is the snapshot). */
export interface RunState {
  readonly identity: RunIdentity;
  /** Where reading goes on: file index, byte offset and line number of the next unread line. */
  readonly file: number;
  readonly offset: number;
  readonly line: number;
  /** The output file's length when the checkpoint was taken. */
  readonly outLength: number;
  /** The summary's counts so far. */
  readonly read: number;
  readonly late: number;
  readonly malformed: number;
}

export interface Resume {
  readonly state: RunState;
  readonly snapshot: Uint8Array;
}

function mismatch(dir: string, what: string): WeirError {
  return new WeirError(
    'checkpoint/mismatch',
    `The checkpoint in ${dir} belongs to another run (${what}); run the same command, or remove ${dir} to start over`,
  );
}

/** The checkpoint in `dir` to resume, undefined when there is none; checks it is this run's. */
export function loadRunCheckpoint(
  dir: string,
  shownDir: string,
  epl: string,
  identity: RunIdentity,
): Resume | undefined {
  const checkpoint = readCheckpoint(dir);
  if (checkpoint === undefined) return undefined;
  const { manifest, snapshot } = checkpoint;
  if (manifest.epl !== epl) throw mismatch(shownDir, 'its EPL differs from this query file');
  const state = manifest.sources.run as RunState | undefined;
  if (typeof state !== 'object' || state === null || typeof state.identity !== 'object') {
    throw mismatch(shownDir, 'it was written by weir serve, not weir run');
  }
  for (const key of Object.keys(identity) as (keyof RunIdentity)[]) {
    if (JSON.stringify(state.identity[key]) !== JSON.stringify(identity[key])) {
      throw mismatch(shownDir, `it was taken with another ${key}: ${JSON.stringify(state.identity[key])}`);
    }
  }
  return { state, snapshot };
}

/** Sends the file list on from a checkpoint's position: files already read are left out. */
export function resumeFiles(files: readonly FeedFile[], state: RunState | undefined): FeedFile[] {
  if (state === undefined) return [...files];
  return files
    .slice(state.file)
    .map((f, i) => (i === 0 ? { ...f, start: { offset: state.offset, line: state.line } } : f));
}

export interface CheckpointWriterOptions {
  readonly dir: string;
  readonly epl: string;
  readonly every: CheckpointEvery;
  readonly identity: RunIdentity;
  /** The output file's descriptor (fsynced before each checkpoint). */
  readonly outFd: number;
  /** Has everything written so far handed to the file, and resolves with the output's length. */
  readonly outputLength: () => Promise<number>;
  readonly snapshot: () => Uint8Array;
  readonly counts: () => { read: number; late: number; malformed: number };
  /** The file index where the fed list begins in the full list (a resumed run feeds fewer). */
  readonly firstFile: number;
}

/** Decides when to checkpoint (after a reader batch) and writes checkpoints. */
export class RunCheckpointer {
  private lastEvents = 0;
  private lastTime = performance.now();
  /** Checkpoints written by this run. */
  written = 0;

  constructor(private readonly o: CheckpointWriterOptions) {
    mkdirSync(o.dir, { recursive: true });
  }

  /** After a batch: a checkpoint when one is due. */
  async afterBatch(position: FeedPosition): Promise<void> {
    const read = this.o.counts().read;
    const every = this.o.every;
    const due =
      'events' in every
        ? read - this.lastEvents >= every.events
        : performance.now() - this.lastTime >= every.ms;
    if (!due) return;
    await this.take(position);
    this.lastEvents = read;
    this.lastTime = performance.now();
  }

  private async take(position: FeedPosition): Promise<void> {
    const outLength = await this.o.outputLength();
    fsyncSync(this.o.outFd);
    const state: RunState = {
      identity: this.o.identity,
      file: this.o.firstFile + position.file,
      offset: position.offset,
      line: position.line,
      outLength,
      ...this.o.counts(),
    };
    writeCheckpoint(
      this.o.dir,
      { epl: this.o.epl, takenAt: Date.now(), sources: { run: state }, updateSeq: {} },
      this.o.snapshot(),
    );
    this.written++;
  }

  /** The run finished and its output is complete and synced (replay's finish): the checkpoint is no longer needed. */
  finished(): void {
    rmSync(join(this.o.dir, CHECKPOINT_FILE), { force: true });
  }
}

/** The output file a resumed run continues: it must hold at least the recorded bytes. */
export function checkOutputLength(path: string, shown: string, length: number): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new WeirError(
      'checkpoint/mismatch',
      `--out '${shown}' is missing, but the checkpoint expects ${length} bytes in it; remove the checkpoint directory to start over`,
    );
  }
  if (size < length) {
    throw new WeirError(
      'checkpoint/mismatch',
      `--out '${shown}' holds ${size} bytes, fewer than the ${length} the checkpoint recorded (was it changed?); remove the checkpoint directory to start over`,
    );
  }
}
