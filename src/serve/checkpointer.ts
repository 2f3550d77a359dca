/**
 * Periodic checkpoints of a served engine, so that a restart resumes where it stopped and the
 * JetStream source and sink give exactly-once results across a crash. One checkpoint:
 *
 * 1. In an ingest-queue barrier (between two payloads, never inside one): the engine snapshot,
 *    each source's position and acknowledgement mark, and the sinks' update sequence numbers.
 * 2. Wait until every sink has delivered everything produced so far (so no update the
 *    checkpoint claims is still only in memory).
 * 3. Write the checkpoint file atomically.
 * 4. Acknowledge to each source the messages the checkpoint holds.
 *
 * A crash before 3 restarts from the previous checkpoint: its sources redeliver, the engine
 * reproduces the same updates with the same message ids, and the sink's deduplication drops
 * those already delivered. A crash between 3 and 4 leaves messages unacknowledged that the
 * checkpoint holds: the source skips them by position on restart.
 */
import { WeirError } from '../common/errors.js';
import type { Sink, Source } from '../connectors/connector.js';
import { writeCheckpoint } from './checkpoint-file.js';
import type { IngestQueue } from './ingest-queue.js';

export interface CheckpointTarget {
  readonly queue: IngestQueue;
  readonly sources: readonly Source[];
  readonly sinks: readonly Sink[];
  readonly updateSeq: Map<string, number>;
  /** The engine's state as bytes (engine.snapshot()). */
  snapshot(): Uint8Array;
}

export class Checkpointer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Checkpoints written, and the last one's duration (ms) and size (bytes). */
  written = 0;
  lastMs = 0;
  lastBytes = 0;

  constructor(
    private readonly target: CheckpointTarget,
    private readonly dir: string,
    private readonly epl: string,
    private readonly everyMs: number,
    private readonly report: (message: string) => void,
  ) {}

  start(): void {
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.checkpoint().catch((e: Error) => this.report(`checkpoint failed: ${e.message}`));
        if (this.timer !== undefined) tick();
      }, this.everyMs);
    };
    tick();
  }

  /** Takes one checkpoint now (waits for one in progress first). */
  checkpoint(): Promise<void> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(() => this.take());
    this.running = next.finally(() => {
      if (this.running === next) this.running = undefined;
    });
    return next;
  }

  /** Stops the timer; `final` takes a last checkpoint (a clean shutdown loses nothing). */
  async stop(final: boolean): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (final) await this.checkpoint();
  }

  private async take(): Promise<void> {
    const started = performance.now();
    const t = this.target;
    const cut = await t.queue.barrier(() => ({
      snapshot: t.snapshot(),
      positions: Object.fromEntries(t.sources.map((s) => [s.name, s.position()])),
      marks: t.sources.map((s) => s.mark()),
      updateSeq: Object.fromEntries(t.updateSeq),
    }));
    await Promise.all(t.sinks.map((s) => s.flush()));
    // An update a sink gave up on is not in its destination: committing would lose it for good.
    // No checkpoint is committed after that; a restart goes back to the last one and redoes it.
    const failed = t.sinks.reduce((n, s) => n + s.counters().failed, 0);
    if (failed > 0) {
      throw new WeirError(
        'checkpoint/failed',
        `not committed: ${failed} update(s) could not be delivered by a sink; restart to redeliver them from the last checkpoint`,
      );
    }
    writeCheckpoint(
      this.dir,
      { epl: this.epl, takenAt: Date.now(), sources: cut.positions, updateSeq: cut.updateSeq },
      cut.snapshot,
    );
    await Promise.all(t.sources.map((s, i) => s.commit(cut.marks[i])));
    this.written++;
    this.lastMs = performance.now() - started;
    this.lastBytes = cut.snapshot.length;
  }
}
