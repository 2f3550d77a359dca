/**
 * A statement that runs in a context (`context C select …`): one instance of its factory
 * per live partition of C (Esper's agent instance per context partition), each with its own
 * state, timers and start time, reading the partition's properties as `context.*`.
 * - The statement's entries take its streams' events and hand each to the instances of the
 *   partitions the context says it belongs to (context-runtime.ts).
 * - What the instances post in one step reaches the listeners as one call, partitions in
 *   the order they were reached (Esper dispatches a statement's output once per event).
 * - A partition that ends stops its instance: timers cancelled, state released.
 * - State (common/state.ts): per live partition (by its id), its instance's counters and
 *   stateful parts, written like a statement's (a window the statements of one partition
 *   share is written once). A restore rebuilds the instances of the context's restored
 *   partitions without starting them, then puts their parts back.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerService } from '../common/timers.js';
import type {
  ContextPartition,
  ContextRuntime,
  CreatingEvent,
  PartitionedStatement,
} from '../infra/context-runtime.js';
import type { OutputTarget } from '../operators/output.js';
import type {
  PhysicalEnv,
  PhysicalStatement,
  SharedWindow,
  StatePart,
  StatementEntry,
} from '../physical/physical-env.js';
import type { StatementFactory, StatementInstance } from '../physical/statement-factory.js';
import { type StatementPlan, forEachNode } from '../plan/logical-plan.js';
import type { PartSnapshot } from './snapshot/engine-snapshot.js';
import { PartListReader, PartListWriter, mismatch } from './snapshot/part-list.js';
import { deadTimer } from './timer-queue.js';

/**
 * An instance's env: its one own field is the partition; everything else is read through
 * the prototype the statement's instances share (partitionEnv below): the partition's start
 * time and properties, and the env itself as the instance's timer service.
 */
interface InstanceEnv extends PhysicalEnv {
  readonly partition: ContextPartition;
}

/**
 * What the instances of one context statement share: the engine's env (their prototype), and
 * their timer service, which schedules nothing once the partition ended or the statement
 * stopped (a callback queued for the step may re-arm).
 */
function partitionEnv(env: PhysicalEnv, statement: { readonly stopped: boolean }): PhysicalEnv {
  const base = env.timers;
  const methods: ThisType<InstanceEnv> & Partial<TimerService> = {
    schedule(owner: TimerOwner, tag: number, due: number, reuse?: Timer): Timer {
      return this.partition.alive && !statement.stopped
        ? base.schedule(owner, tag, due, reuse)
        : deadTimer(owner, tag, due);
    },
    cancel(timer: Timer | undefined): void {
      base.cancel(timer);
    },
  };
  const shared = Object.create(env, {
    // The fused columnar window preallocates column buffers: 4× the heap of the row-wise
    // operators per instance, which a context multiplies by its partitions (bench/context-memory.mjs).
    columnarAggregation: { value: false },
    // Windows the statements of one partition share: made when a statement asks for them.
    sharedWindows: {
      get(this: InstanceEnv) {
        return windowsOf(this.partition);
      },
    },
    startTime: {
      get(this: InstanceEnv) {
        return this.partition.startTime;
      },
    },
    context: {
      get(this: InstanceEnv) {
        return this.partition.properties;
      },
    },
    // The env is the instance's timer service (`now` is the engine's, inherited).
    timers: {
      get(this: InstanceEnv) {
        return this;
      },
    },
    schedule: { value: methods.schedule },
    cancel: { value: methods.cancel },
    // quietUntil is optional: absent when the engine's timers have none.
    quietUntil: {
      value: base.quietUntil === undefined ? undefined : () => (base.quietUntil as () => number)(),
    },
  });
  return shared as PhysicalEnv;
}

/** Windows the statements of one partition share (each partition has its own). */
const partitionWindows = new WeakMap<ContextPartition, Map<string, SharedWindow>>();

function windowsOf(partition: ContextPartition): Map<string, SharedWindow> {
  let windows = partitionWindows.get(partition);
  if (windows === undefined) {
    windows = new Map();
    partitionWindows.set(partition, windows);
  }
  return windows;
}

/** The streams a statement's plan reads events of. */
function streamsOf(plan: StatementPlan): string[] {
  const streams = new Set<string>();
  forEachNode(plan.root, (node) => {
    if (node.kind === 'EventSource') streams.add(node.stream);
    else if (node.kind === 'PatternSource') for (const s of node.streams) streams.add(s);
  });
  return [...streams];
}

/** Hands `row` of `stream` to the instance's entries, testing what the engine's filter index would. */
function deliver(instance: StatementInstance, row: Row, stream: string): void {
  for (const entry of instance.entries) {
    if (entry.stream !== stream) continue;
    if (entry.indexed.some((eq) => row[eq.property] !== eq.value)) continue;
    entry.accept(row);
  }
}

/** One partition's instance in a snapshot: the partition id, the instance's counters and parts. */
type InstanceSnapshot = readonly [
  partition: number,
  counters: readonly number[],
  parts: readonly PartSnapshot[],
];

export class ContextStatement
  implements PhysicalStatement, PartitionedStatement, Stateful<readonly InstanceSnapshot[]>
{
  readonly entries: readonly StatementEntry[];
  readonly parts: readonly StatePart[];
  private readonly instances = new Map<ContextPartition, StatementInstance>();
  /**
   * What every instance's env shares (the engine's env, fused columnar aggregation off, the
   * partition's shared windows found on first use, the timer service): an instance's env
   * holds only its partition.
   */
  private readonly partitionEnv: PhysicalEnv;
  /** Set once the statement stops: its instances' parts schedule nothing more. */
  stopped = false;
  private pendingNew: Row[] = [];
  private pendingOld: Row[] = [];
  private dispatchQueued = false;
  private pendingEmpty = false;
  private events = 0;
  private lastCounted: Row | undefined;
  private readonly output: OutputTarget = {
    deliver: (newEvents, oldEvents) => {
      if (newEvents !== null) for (const row of newEvents) this.pendingNew.push(row);
      if (oldEvents !== null) for (const row of oldEvents) this.pendingOld.push(row);
      // A forced empty call (time-driven or end-of-partition output) is a call of its own.
      if (newEvents === null && oldEvents === null) this.pendingEmpty = true;
      if (!this.dispatchQueued) {
        this.dispatchQueued = true;
        this.env.atStepEnd(this.flush);
      }
    },
  };
  private readonly flush = () => {
    this.dispatchQueued = false;
    const ins = this.pendingNew.length > 0 ? this.pendingNew : null;
    const rem = this.pendingOld.length > 0 ? this.pendingOld : null;
    this.pendingNew = [];
    this.pendingOld = [];
    const empty = this.pendingEmpty;
    this.pendingEmpty = false;
    if (ins !== null || rem !== null || empty) this.target.deliver(ins, rem);
  };

  constructor(
    private readonly factory: StatementFactory,
    private readonly env: PhysicalEnv,
    private readonly target: OutputTarget,
    private readonly context: ContextRuntime,
  ) {
    this.entries = streamsOf(factory.plan).map((stream) => ({
      stream,
      indexed: [],
      accept: (row: Row) => this.arrive(row, stream),
    }));
    this.parts = [{ label: `partitions of context ${context.def.name}`, part: this }];
    this.partitionEnv = partitionEnv(env, this);
  }

  private arrive(row: Row, stream: string): void {
    for (const partition of this.context.partitionsFor(row, stream)) {
      const instance = this.instances.get(partition);
      if (instance === undefined) continue;
      this.count(row);
      deliver(instance, row, stream);
    }
  }

  /** Counts an event once, however many partitions it reaches. */
  private count(row: Row): void {
    if (row === this.lastCounted) return;
    this.lastCounted = row;
    this.events++;
  }

  open(partition: ContextPartition, creating: readonly CreatingEvent[]): void {
    const instance = this.build(partition);
    instance.start();
    for (const [row, stream] of creating) {
      if (!this.entries.some((e) => e.stream === stream)) continue;
      this.count(row);
      deliver(instance, row, stream);
    }
  }

  /** The instance of `partition`, built and registered, not started. */
  private build(partition: ContextPartition): StatementInstance {
    // Only the partition is its own; the rest is read through the prototype.
    const env = Object.create(this.partitionEnv) as { partition: ContextPartition } & PhysicalEnv;
    env.partition = partition;
    const instance = this.factory.instantiate(env, this.output);
    this.instances.set(partition, instance);
    return instance;
  }

  close(partition: ContextPartition): void {
    const instance = this.instances.get(partition);
    if (instance === undefined) return;
    this.instances.delete(partition);
    instance.terminate?.();
    instance.stop();
  }

  start(): void {
    this.context.attach(this);
  }

  private owner(partition: ContextPartition): string {
    return `statement '${this.factory.plan.name}' (partition ${partition.id} of context ${this.context.def.name})`;
  }

  /** Each live partition's instance, in the order the partitions were created. */
  snapshot(w: StateWriter): InstanceSnapshot[] {
    const parts = PartListWriter.of(w);
    return [...this.instances].map(([partition, instance]) => [
      partition.id,
      instance.counters(),
      parts.write(instance.parts, this.owner(partition)),
    ]);
  }

  /** Rebuilds the instances of the restored context's partitions (not started), then their state. */
  restore(saved: readonly InstanceSnapshot[], r: StateReader): void {
    const parts = PartListReader.of(r);
    for (const [id, counters, partParts] of saved) {
      const partition = this.context.partition(id);
      if (partition === undefined) throw mismatch(`context ${this.context.def.name} has no partition ${id}`);
      const instance = this.build(partition);
      instance.restoreCounters(counters);
      parts.read(instance.parts, partParts, this.owner(partition));
    }
    this.context.attach(this, true);
  }

  stop(): void {
    this.context.detach(this);
    this.stopped = true;
    for (const instance of this.instances.values()) instance.stop();
    this.instances.clear();
  }

  // Arrow functions: the engine hands these out detached (statement stats).
  readonly counters = (): number[] => [this.events];

  readonly restoreCounters = (counters: readonly number[]): void => {
    this.events = counters[0] ?? 0;
  };

  readonly windowSize = (): number => {
    let n = 0;
    for (const instance of this.instances.values()) n += instance.windowSize();
    return n;
  };

  readonly droppedPartialMatches = (): number => {
    let n = 0;
    for (const instance of this.instances.values()) n += instance.droppedPartialMatches();
    return n;
  };

  readonly eventsIn = (): number => this.events;

  /** Live instances (one per live partition), for tests and the bench. */
  get instanceCount(): number {
    return this.instances.size;
  }
}

/** The running form of a statement in context `plan.context`: one instance per partition. */
export function instantiateInContext(
  factory: StatementFactory,
  env: PhysicalEnv,
  target: OutputTarget,
): ContextStatement {
  const name = factory.plan.context;
  if (name === undefined || env.infra === undefined)
    throw new Error('a context statement without its context');
  return new ContextStatement(factory, env, target, env.infra.context(name));
}
