/**
 * A deployed statement as users see it: listeners, an async iterator, counters, undeploy.
 * Listener calls are synchronous, inside the engine's processing of the causing event or timer.
 */
import type { Row } from '../common/row.js';
import type { OutputTarget } from '../operators/output.js';
import type { StatementHandle, StatementStats, StatementUpdate, UpdateListener } from './api.js';

export interface StatementInternals {
  windowSize(): number;
  droppedPartialMatches(): number;
  eventsIn(): number;
}

export class Statement implements StatementHandle, OutputTarget {
  private listeners: UpdateListener[] = [];
  /** Created by the first `updates()`: one object less to touch per delivery when nobody iterates. */
  private iterators: Set<UpdateQueue> | undefined;
  private rowsOut = 0;
  private updateCount = 0;
  private alive = true;
  internals: StatementInternals | undefined;
  /** Set by the engine: stops the running statement and forgets it. */
  onUndeploy: (() => void) | undefined;
  /** The engine's clock, shared by its statements (a per-statement closure is one more cold object per delivery). */
  clock: () => number = () => 0;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly columns: readonly string[],
    readonly isPattern: boolean,
  ) {}

  get isAlive(): boolean {
    return this.alive;
  }

  deliver(newEvents: Row[] | null, oldEvents: Row[] | null): void {
    if (!this.alive) return;
    this.updateCount++;
    this.rowsOut += (newEvents?.length ?? 0) + (oldEvents?.length ?? 0);
    const listeners = this.listeners;
    const iterators = this.iterators;
    if (listeners.length === 0 && (iterators === undefined || iterators.size === 0)) return;
    const context = { time: this.clock(), statement: this.name };
    for (let i = 0; i < listeners.length; i++)
      (listeners[i] as UpdateListener)(newEvents, oldEvents, context);
    if (iterators === undefined || iterators.size === 0) return;
    for (const it of iterators) {
      it.push({ statement: this.name, time: context.time, newEvents, oldEvents });
    }
  }

  subscribe(listener: UpdateListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  updates(): AsyncIterableIterator<StatementUpdate> {
    this.iterators ??= new Set();
    const iterators = this.iterators;
    const queue = new UpdateQueue(() => iterators.delete(queue));
    if (this.alive) iterators.add(queue);
    else queue.end();
    return queue;
  }

  undeploy(): void {
    if (!this.alive) return;
    this.onUndeploy?.();
    this.stop();
  }

  /**
   * Delivers nothing more (engine.close): listeners are dropped and every iterator ends
   * after yielding what it holds. The statement stays listed, with its stats.
   */
  stop(): void {
    this.alive = false;
    this.listeners = [];
    for (const it of this.iterators ?? []) it.end();
    this.iterators?.clear();
  }

  /** Delivery counters, for a snapshot. */
  deliveryCounts(): [rowsOut: number, updates: number] {
    return [this.rowsOut, this.updateCount];
  }

  restoreDeliveryCounts([rowsOut, updates]: readonly number[]): void {
    this.rowsOut = rowsOut ?? 0;
    this.updateCount = updates ?? 0;
  }

  stats(): StatementStats {
    return {
      eventsIn: this.internals?.eventsIn() ?? 0,
      rowsOut: this.rowsOut,
      updates: this.updateCount,
      windowSize: this.internals?.windowSize() ?? 0,
      droppedPartialMatches: this.internals?.droppedPartialMatches() ?? 0,
    };
  }
}

/** Buffers updates for one `for await` consumer; unbounded, like a listener that never drops. */
class UpdateQueue implements AsyncIterableIterator<StatementUpdate> {
  private readonly items: StatementUpdate[] = [];
  private waiting: ((r: IteratorResult<StatementUpdate>) => void) | undefined;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  push(update: StatementUpdate): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting({ value: update, done: false });
    } else this.items.push(update);
  }

  end(): void {
    this.done = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<StatementUpdate>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<StatementUpdate>> {
    this.end();
    this.onClose();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StatementUpdate> {
    return this;
  }
}
