/**
 * The engine: event types, deployed statements, the event-time buffer, the clock and the
 * timer queue. Time is event time only: the clock moves when an event is released from the
 * buffer or when the user advances it, and every timer due at or before an event's time
 * fires first, each at its own due time (Esper's advanceTimeSpan).
 */
import type { EventSchema } from '../analyzer/event-schema.js';
import { didYouMean } from '../common/closest-name.js';
import { WeirError } from '../common/errors.js';
import { describeArgument, printable } from '../common/printable.js';
import type { Row } from '../common/row.js';
import type { PhysicalEnv, SharedWindow } from '../physical/physical-env.js';
import { planOperators } from '../physical/plan-operators.js';
import type { StatementPlan } from '../plan/logical-plan.js';
import type {
  Engine,
  EngineStats,
  EventSchemaInfo,
  LateEvent,
  StatementHandle,
  UpdateListener,
} from './api.js';
import { compileModule } from './compile-module.js';
import {
  DEFAULT_MAX_PARTIAL_MATCHES,
  DEFAULT_MAX_TIME_JUMP,
  type WeirEngineOptions,
  validateEngineOptions,
} from './engine-options.js';
import { type Normalizer, makeNormalizer } from './event-normalizer.js';
import { EventTimeBuffer } from './event-time-buffer.js';
import { Statement } from './statement-handle.js';
import { StreamRouter } from './stream-router.js';
import { Timer, TimerQueue } from './timer-queue.js';

export type { WeirEngineOptions };

interface EventType {
  readonly schema: EventSchema;
  readonly normalize: Normalizer;
  /** The type's router, resolved once so a send costs one map lookup. */
  readonly router: StreamRouter;
}

interface PendingStart {
  readonly plan: StatementPlan;
  readonly handle: Statement;
  readonly shared: Map<string, SharedWindow>;
}

class WeirEngine implements Engine {
  private readonly types = new Map<string, EventType>();
  private readonly routers = new Map<string, StreamRouter>();
  private readonly handles = new Map<string, Statement>();
  private readonly timers = new TimerQueue();
  private readonly buffer: EventTimeBuffer;
  private clock: number | undefined;
  private pending: PendingStart[] = [];
  private readonly insertQueue: { stream: string; row: Row }[] = [];
  /** Work deferred to the end of the current step (joins join once per step). */
  private readonly stepEnd: (() => void)[] = [];
  private draining = false;
  private lateListeners: ((late: LateEvent) => void)[] = [];
  private alertListeners: UpdateListener[] = [];
  private eventsIn = 0;
  private eventsProcessed = 0;
  private lateEvents = 0;
  private rejectedEvents = 0;
  private readonly maxTimeJump: number;
  /**
   * Events up to this time pass the time-jump check with one comparison; one beyond it takes
   * the slow path (checkTimeJump), which recomputes it from the engine's latest time. -Infinity
   * before the first event, and once closed (so a closed engine's send reaches the check).
   */
  private jumpCeiling = Number.NEGATIVE_INFINITY;
  private closed = false;
  private unnamedCount = 0;
  /**
   * The type the last `send` named: a stream of events of one type (the common case) skips
   * the map lookup, which costs as much as the rest of routing a filtered-out event.
   */
  private lastType: EventType | undefined;
  /** Engine time for listener contexts; statements start with the clock, so it is set whenever they deliver. */
  private readonly now = (): number => this.clock ?? 0;
  private readonly deliverBuffered = (e: { type: string; row: Row; timestamp: number }) =>
    this.process(this.router(e.type), e.row, e.timestamp);

  constructor(private readonly options: WeirEngineOptions) {
    this.buffer = new EventTimeBuffer(options.allowedLateness ?? 0);
    this.maxTimeJump = options.maxTimeJump ?? DEFAULT_MAX_TIME_JUMP;
  }

  deploy(epl: string, options: { readonly file?: string } = {}): StatementHandle[] {
    this.assertOpen('deploy');
    if (typeof epl !== 'string') {
      throw new WeirError(
        'runtime/invalid-argument',
        `deploy(epl) expects EPL text (a string), got ${describeArgument(epl)}`,
      );
    }
    if (
      typeof options !== 'object' ||
      options === null ||
      (options.file !== undefined && typeof options.file !== 'string')
    ) {
      throw new WeirError(
        'runtime/invalid-argument',
        'deploy(epl, options): options must be { file?: string }',
      );
    }
    const compiled = compileModule(epl, {
      ...(options.file === undefined ? {} : { file: options.file }),
      knownSchemas: [...this.types.values()].map((t) => t.schema),
      takenNames: new Set(this.handles.keys()),
      firstIndex: this.unnamedCount,
    });
    this.unnamedCount += compiled.analyzed.statements.length;
    this.lastType = undefined;
    for (const schema of compiled.analyzed.schemas) {
      this.types.set(schema.name, {
        schema,
        normalize: makeNormalizer(schema),
        router: this.router(schema.name),
      });
    }
    const shared = new Map<string, SharedWindow>();
    const handles: Statement[] = [];
    for (const plan of compiled.optimized.plan.statements) {
      const handle = new Statement(
        plan.name,
        plan.text,
        plan.root.schema.map((c) => c.name),
        plan.isPattern,
      );
      this.handles.set(plan.name, handle);
      if (plan.isPattern) for (const l of this.alertListeners) handle.subscribe(l);
      handles.push(handle);
      const start = { plan, handle, shared };
      if (this.clock === undefined) this.pending.push(start);
      else this.instantiate(start, this.clock);
    }
    return handles;
  }

  private router(stream: string): StreamRouter {
    let router = this.routers.get(stream);
    if (router === undefined) {
      router = new StreamRouter();
      this.routers.set(stream, router);
    }
    return router;
  }

  private instantiate({ plan, handle, shared }: PendingStart, startTime: number): void {
    if (!handle.isAlive) return;
    const env: PhysicalEnv = {
      now: () => this.clock ?? startTime,
      // An undeployed statement schedules nothing more, so its timers (pattern repeats,
      // window expiries) run out instead of firing forever; its output is already muted.
      schedule: (due, onDue, spent) => {
        if (!handle.isAlive) return { due };
        return spent instanceof Timer
          ? this.timers.reschedule(spent, due, onDue)
          : this.timers.schedule(due, onDue);
      },
      cancel: (id) => this.timers.cancel(id as Timer),
      insert: (stream, rows) => {
        for (const row of rows) this.insertQueue.push({ stream, row });
      },
      sharedWindows: shared,
      startTime,
      maxPartialMatches: this.options.maxPartialMatches ?? DEFAULT_MAX_PARTIAL_MATCHES,
      columnarAggregation: this.options.columnarAggregation ?? true,
      atStepEnd: (callback) => {
        this.stepEnd.push(callback);
      },
      onPatternCapReached: (statement) => {
        process.emitWarning(
          `Statement '${statement}' reached the cap of live partial matches; the oldest are discarded and counted`,
        );
      },
    };
    const physical = planOperators(plan, env, handle);
    for (const entry of physical.entries) this.router(entry.stream).add(entry);
    handle.clock = this.now;
    handle.internals = {
      windowSize: physical.windowSize,
      droppedPartialMatches: physical.droppedPartialMatches,
      eventsIn: physical.eventsIn,
      undeploy: () => {
        for (const entry of physical.entries) this.routers.get(entry.stream)?.remove(entry);
        this.handles.delete(handle.name);
      },
    };
    physical.start();
  }

  private startClock(time: number): void {
    this.clock = this.options.startTime ?? time;
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.instantiate(p, this.clock);
  }

  statement(name: string): StatementHandle | undefined {
    return this.handles.get(name);
  }

  statements(): StatementHandle[] {
    return [...this.handles.values()];
  }

  send(type: string, event: Row, timestamp?: number): void {
    this.sendTyped(this.eventType(type), event, timestamp);
  }

  /** Resolves the type once for the whole array. */
  sendMany(type: string, events: readonly Row[], timestamps?: readonly number[]): void {
    const eventType = this.eventType(type);
    if (!Array.isArray(events)) {
      throw new WeirError(
        'runtime/invalid-argument',
        `sendMany(type, events): events must be an array, got ${describeArgument(events)}`,
      );
    }
    if (timestamps === undefined)
      for (let i = 0; i < events.length; i++) this.sendTyped(eventType, events[i] as Row, undefined);
    else {
      if (!Array.isArray(timestamps) || timestamps.length !== events.length) {
        throw new WeirError(
          'runtime/invalid-argument',
          `sendMany(type, events, timestamps): timestamps must be an array as long as events (${events.length}), got ${describeArgument(timestamps)}`,
        );
      }
      for (let i = 0; i < events.length; i++) this.sendTyped(eventType, events[i] as Row, timestamps[i]);
    }
  }

  private eventType(type: string): EventType {
    const last = this.lastType;
    if (last !== undefined && last.schema.name === type) return last;
    const eventType = typeof type === 'string' ? this.types.get(type) : undefined;
    if (eventType === undefined) {
      this.assertOpen('send');
      if (typeof type !== 'string') {
        throw new WeirError(
          'runtime/invalid-argument',
          `send(type, event): type must be a string, got ${describeArgument(type)}`,
        );
      }
      const known = [...this.types.keys()].map(printable).join(', ') || 'none declared';
      throw new WeirError(
        'runtime/unknown-event-type',
        `Unknown event type '${printable(type)}'${didYouMean(type, this.types.keys())} (known: ${known})`,
      );
    }
    this.lastType = eventType;
    return eventType;
  }

  private sendTyped(eventType: EventType, event: Row, timestamp: number | undefined): void {
    let row: Row;
    try {
      row = eventType.normalize(event);
    } catch (e) {
      this.rejectedEvents++;
      throw e;
    }
    const time = timestamp ?? timestampOf(eventType.schema, row);
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      this.rejectedEvents++;
      throw new WeirError(
        'runtime/invalid-event',
        `Event of type '${printable(eventType.schema.name)}' has an invalid timestamp ${describeArgument(time)}: expected a finite number of milliseconds`,
      );
    }
    if (time > this.jumpCeiling)
      this.checkTimeJump(time, `Event of type '${printable(eventType.schema.name)}'`);
    this.eventsIn++;
    switch (this.buffer.offer(eventType.schema.name, row, time)) {
      case 'direct':
        this.process(eventType.router, row, time);
        return;
      case 'buffered':
        this.buffer.release(this.deliverBuffered);
        return;
      case 'late':
        this.reportLate(eventType.schema.name, row, time);
        return;
    }
  }

  private reportLate(type: string, event: Row, timestamp: number): void {
    this.lateEvents++;
    const late: LateEvent = { type, event, timestamp, watermark: this.buffer.watermark };
    for (const l of this.lateListeners) l(late);
  }

  private process(router: StreamRouter, row: Row, time: number): void {
    if (this.clock === undefined) this.startClock(time);
    this.fireTimers(time);
    if (time > (this.clock as number)) this.clock = time;
    this.eventsProcessed++;
    router.route(row);
    this.endStep();
    if (this.insertQueue.length > 0) this.drainInserts();
  }

  /** Ends the current step: runs the work statements deferred to it, in order. */
  private endStep(): void {
    const queue = this.stepEnd;
    if (queue.length === 0) return;
    for (let i = 0; i < queue.length; i++) (queue[i] as () => void)();
    queue.length = 0;
  }

  /** Fires every timer due at or before `time`, each with the clock at its due time. */
  private fireTimers(time: number): void {
    for (;;) {
      const timer = this.timers.popDue(time);
      if (timer === undefined) return;
      // Read before running: the callback may re-arm this very timer object (reschedule).
      const due = timer.due;
      if (due > (this.clock as number)) this.clock = due;
      timer.run(due);
      // Timers due at one instant are one step (Esper runs every schedule callback due, then
      // the events they inserted): two batch windows of a join flushing together are joined
      // once, and an insert-into event produced at that instant waits for the step to end.
      // With nothing deferred there is nothing to wait for (and no need to look ahead).
      if (this.stepEnd.length === 0 && this.insertQueue.length === 0) continue;
      if (this.timers.peekDue() === due) continue;
      this.endStep();
      this.drainInserts();
    }
  }

  /** Events produced by `insert into` are processed after the step that produced them, one at a time. */
  private drainInserts(): void {
    if (this.draining || this.insertQueue.length === 0) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.insertQueue.length; i++) {
        const item = this.insertQueue[i] as { stream: string; row: Row };
        // Each inserted event is a step of its own.
        this.endStep();
        this.routers.get(item.stream)?.route(item.row);
        this.endStep();
      }
    } finally {
      this.insertQueue.length = 0;
      this.draining = false;
    }
  }

  /**
   * Refuses a time more than maxTimeJump past the engine's latest time (the clock, or the
   * newest buffered event): timers that post per interval would fire once per interval
   * crossed, unbounded work for one event. Counted and thrown, so the CLI reports it like a
   * malformed line. Also where a closed engine's send lands (jumpCeiling is -Infinity).
   */
  private checkTimeJump(time: number, what: string): void {
    this.assertOpen('send');
    const latest = Math.max(
      this.clock ?? this.options.startTime ?? Number.NEGATIVE_INFINITY,
      this.buffer.newest,
    );
    if (latest === Number.NEGATIVE_INFINITY) {
      this.jumpCeiling = time + this.maxTimeJump;
      return;
    }
    if (time - latest > this.maxTimeJump) {
      this.rejectedEvents++;
      throw new WeirError(
        'runtime/time-jump-too-large',
        `${what} at ${time} would move event time ${time - latest} ms past the engine's latest time ${latest}; ` +
          `one step may move it at most ${this.maxTimeJump} ms (option maxTimeJump, CLI --max-time-jump)`,
      );
    }
    this.jumpCeiling = latest + this.maxTimeJump;
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new WeirError('runtime/engine-closed', `${operation}: the engine is closed`);
  }

  advanceTime(time: number): void {
    this.assertOpen('advanceTime');
    if (typeof time !== 'number' || !Number.isFinite(time))
      throw new WeirError(
        'runtime/invalid-argument',
        `advanceTime(time) expects a finite number of milliseconds, got ${describeArgument(time)}`,
      );
    if (time > this.jumpCeiling) this.checkTimeJump(time, 'advanceTime');
    this.buffer.advanceTo(time);
    this.buffer.release(this.deliverBuffered, time);
    if (this.clock === undefined) this.startClock(time);
    this.fireTimers(time);
    if (time > (this.clock as number)) this.clock = time;
  }

  flush(): void {
    this.buffer.drain(this.deliverBuffered);
  }

  close(): void {
    if (this.closed) return;
    // End of input first: buffered events are processed, not lost with the engine.
    this.flush();
    this.closed = true;
    this.jumpCeiling = Number.NEGATIVE_INFINITY;
    for (const handle of this.handles.values()) handle.stop();
    this.lateListeners = [];
    this.alertListeners = [];
  }

  onLate(listener: (late: LateEvent) => void): () => void {
    if (typeof listener !== 'function') {
      throw new WeirError(
        'runtime/invalid-argument',
        `onLate(listener): listener must be a function, got ${describeArgument(listener)}`,
      );
    }
    this.lateListeners = [...this.lateListeners, listener];
    return () => {
      this.lateListeners = this.lateListeners.filter((l) => l !== listener);
    };
  }

  onAlert(listenerOrName: UpdateListener | string, listener?: UpdateListener): () => void {
    if (typeof listenerOrName === 'string') {
      const handle = this.handles.get(listenerOrName);
      if (handle === undefined) {
        throw new WeirError('runtime/unknown-statement', `No statement named '${listenerOrName}'`);
      }
      if (typeof listener !== 'function') {
        throw new WeirError(
          'runtime/invalid-argument',
          `onAlert(name, listener): listener must be a function, got ${describeArgument(listener)}`,
        );
      }
      return handle.subscribe(listener);
    }
    if (typeof listenerOrName !== 'function') {
      throw new WeirError(
        'runtime/invalid-argument',
        `onAlert(listener) expects a function or a statement name, got ${describeArgument(listenerOrName)}`,
      );
    }
    const l = listenerOrName;
    this.alertListeners = [...this.alertListeners, l];
    const unsubscribers = [...this.handles.values()].filter((h) => h.isPattern).map((h) => h.subscribe(l));
    return () => {
      this.alertListeners = this.alertListeners.filter((x) => x !== l);
      for (const u of unsubscribers) u();
    };
  }

  stats(): EngineStats {
    return {
      eventsIn: this.eventsIn,
      eventsProcessed: this.eventsProcessed,
      lateEvents: this.lateEvents,
      rejectedEvents: this.rejectedEvents,
      buffered: this.buffer.size,
      pendingTimers: this.timers.size,
      currentTime: this.clock,
    };
  }

  schemaNames(): string[] {
    return [...this.types.keys()];
  }

  schema(name: string): EventSchemaInfo | undefined {
    const t = this.types.get(name);
    if (t === undefined) return undefined;
    return {
      name,
      properties: [...t.schema.properties].map(([p, type]) => ({
        name: p,
        type: type === 'null' ? 'any' : type,
      })),
      timestampProperty: t.schema.timestampProperty,
      open: t.schema.open,
    };
  }
}

/** The event time from the schema's timestamp property, when `send` was given none. */
function timestampOf(schema: EventSchema, row: Row): number {
  const prop = schema.timestampProperty;
  const value = prop === undefined ? undefined : row[prop];
  if (typeof value === 'number') return value;
  throw new WeirError(
    'runtime/invalid-event',
    prop === undefined
      ? `Event of type '${printable(schema.name)}' has no timestamp: pass one to send() (CLI: --time-field or the envelope's "ts"), or declare 'timestamp <property>' on the schema`
      : `Event of type '${printable(schema.name)}' has no numeric '${prop}' timestamp`,
  );
}

export function createEngine(options: WeirEngineOptions = {}): Engine {
  return new WeirEngine(validateEngineOptions(options));
}
