/**
 * The engine: event types, deployed statements, the event-time buffer, the clock and the
 * timer queue. Time is event time only: the clock moves when an event is released from the
 * buffer or when the user advances it, and every timer due at or before an event's time
 * fires first, each at its own due time (Esper's advanceTimeSpan).
 */
import type { EventSchema } from '../analyzer/event-schema.js';
import { type InfraDefs, NO_INFRA, mergeInfraDefs } from '../analyzer/infra-catalog.js';
import { didYouMean } from '../common/closest-name.js';
import { WeirError } from '../common/errors.js';
import { describeArgument, printable } from '../common/printable.js';
import type { Row } from '../common/row.js';
import type { TimerOwner } from '../common/timers.js';
import { type EvaluationIssueSink, registerEvaluationIssues } from '../expr/expr-helpers.js';
import { InfraRuntime } from '../infra/infra-runtime.js';
import type { PhysicalEnv, PhysicalStatement, SharedWindow } from '../physical/physical-env.js';
import { type StatementFactory, createStatementFactory } from '../physical/statement-factory.js';
import { type StatementPlan, forEachNode } from '../plan/logical-plan.js';
import type {
  Engine,
  EngineStats,
  EventSchemaInfo,
  LateEvent,
  StatementHandle,
  UpdateListener,
} from './api.js';
import { catalogInfra } from './catalog-infra.js';
import { Catalog } from './catalog.js';
import { compileModule } from './compile-module.js';
import { instantiateInContext } from './context-statement.js';
import {
  DEFAULT_MAX_PARTIAL_MATCHES,
  DEFAULT_MAX_TIME_JUMP,
  EVENT_TIME_RANGE,
  MAX_EVENT_TIME,
  type WeirEngineOptions,
  validateEngineOptions,
} from './engine-options.js';
import { type EventReader, type RowCopier, eventReader, rowCopier } from './event-normalizer.js';
import { EventTimeBuffer } from './event-time-buffer.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot/codec.js';
import {
  type EngineSnapshot,
  type LogEntry,
  type SnapshotOptions,
  type StatementSnapshot,
  checkEngineSnapshot,
} from './snapshot/engine-snapshot.js';
import { PartListReader, PartListWriter, mismatch } from './snapshot/part-list.js';
import { EventTableReader, EventTableWriter, type NegativeZero } from './snapshot/state-io.js';
import { Statement } from './statement-handle.js';
import { StreamRouter } from './stream-router.js';
import { TimerQueue, deadTimer } from './timer-queue.js';

export type { WeirEngineOptions };

interface EventType {
  readonly schema: EventSchema;
  /** The row of an event of this type, or undefined when it does not fit (reader.invalid says why). */
  readonly reader: EventReader;
  /** The type's router, resolved once so a send costs one map lookup. */
  readonly router: StreamRouter;
  /** A closed type's copy of a lent row (sendTransient); undefined for an open type. */
  readonly copy: RowCopier | undefined;
}

/** A deployed statement: its plan, its handle, and once started, its running operators. */
interface StatementRecord {
  readonly plan: StatementPlan;
  readonly factory: StatementFactory;
  readonly handle: Statement;
  readonly shared: Map<string, SharedWindow>;
  physical: PhysicalStatement | undefined;
  startTime: number | undefined;
}

class WeirEngine implements Engine {
  private readonly types = new Map<string, EventType>();
  /** Variables, named windows and tables: their definitions (for later deployments) and live state. */
  private infraDefs: InfraDefs = NO_INFRA;
  private readonly infra = new InfraRuntime();
  private readonly routers = new Map<string, StreamRouter>();
  private readonly handles = new Map<string, Statement>();
  /** Named things shared across deployments, and which statement depends on which. */
  readonly catalog = new Catalog();
  private readonly timers = new TimerQueue();
  private readonly buffer: EventTimeBuffer;
  private clock: number | undefined;
  private pending: StatementRecord[] = [];
  /** Every statement deployed and not undeployed, in deployment order. */
  private readonly records: StatementRecord[] = [];
  /** Deploys and undeploys in order (a restore replays them). */
  private readonly log: LogEntry[] = [];
  /** Nonzero while an event, a time advance or a flush is being processed. */
  private busy = 0;
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
  /** Counts rows where a `regexp` pattern read from the data did not compile (the result was null). */
  private readonly issues: EvaluationIssueSink = {
    isEvaluating: () => this.busy > 0,
    invalidRegexps: 0,
    invalidPeriods: 0,
  };
  private readonly unregisterIssues: () => void;
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
    this.unregisterIssues = registerEvaluationIssues(this.issues);
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
      knownInfra: this.infraDefs,
    });
    this.infraDefs = mergeInfraDefs(this.infraDefs, compiled.analyzed.infra);
    // Variables exist from deployment on (getVariable/setVariable before the first event).
    for (const variable of compiled.analyzed.infra.variables) this.infra.variables.define(variable);
    this.unnamedCount += compiled.analyzed.statements.length;
    this.log.push({ op: 'deploy', text: epl, file: options.file ?? null });
    this.lastType = undefined;
    for (const schema of compiled.analyzed.schemas) {
      this.catalog.provide('eventType', schema.name, undefined, schema);
      this.types.set(schema.name, {
        schema,
        reader: eventReader(schema),
        router: this.router(schema.name),
        copy: schema.open ? undefined : rowCopier(schema),
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
      const record: StatementRecord = {
        plan,
        factory: createStatementFactory(plan),
        handle,
        shared,
        physical: undefined,
        startTime: undefined,
      };
      this.catalogStatement(plan);
      this.records.push(record);
      handle.onUndeploy = () => this.undeploy(record);
      if (this.clock === undefined) this.pending.push(record);
      else this.instantiate(record, this.clock);
    }
    // What the new statements posted while starting (a consumer preloaded with a named
    // window's rows, a context partition's) reaches no listener: they subscribe after
    // deploy returns, as in Esper. (Deployed from a listener, mid-step: the step ends as usual.)
    if (this.clock !== undefined && this.busy === 0) this.endStep();
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

  /** Records what a statement provides (its insert-into stream) and reads (its streams). */
  private catalogStatement(plan: StatementPlan): void {
    if (plan.root.insertInto !== undefined)
      this.catalog.provide('stream', plan.root.insertInto.stream, plan.name);
    forEachNode(plan.root, (node) => {
      if (node.kind === 'EventSource') this.catalog.use(plan.name, 'stream', node.stream);
      else if (node.kind === 'PatternSource')
        for (const s of node.streams) this.catalog.use(plan.name, 'stream', s);
    });
    catalogInfra(plan, this.catalog, this.infraDefs);
  }

  /**
   * Stops a statement: its timers, its state, its routes; a shared window stops with its last
   * reader. Refused (runtime/in-use) while a live statement reads what only this one provides.
   */
  private undeploy(record: StatementRecord): void {
    this.catalog.checkRemovable(record.handle.name);
    this.catalog.release(record.handle.name);
    this.log.push({ op: 'undeploy', name: record.handle.name });
    this.handles.delete(record.handle.name);
    this.records.splice(this.records.indexOf(record), 1);
    const pendingAt = this.pending.indexOf(record);
    if (pendingAt >= 0) this.pending.splice(pendingAt, 1);
    const physical = record.physical;
    if (physical === undefined) {
      // Not started yet (no event so far), but its variable exists from deployment on: it
      // goes with the statement, as a started one's does (found by the fuzz suite's snapshot
      // property: a restore replays the undeploy before anything starts).
      forEachNode(record.plan.root, (node) => {
        if (node.kind === 'Define' && node.definition.kind === 'variable')
          this.infra.variables.remove(node.definition.def.name);
      });
      return;
    }
    for (const entry of physical.entries) this.routers.get(entry.stream)?.remove(entry);
    physical.stop();
    record.physical = undefined;
  }

  /** Builds and starts a statement's operators (`restoring`: built only, its state comes next). */
  private instantiate(record: StatementRecord, startTime: number, restoring = false): void {
    const { plan, handle, shared } = record;
    if (!handle.isAlive) return;
    const now = () => this.clock ?? startTime;
    const queue = this.timers;
    const env: PhysicalEnv = {
      now,
      // An undeployed statement schedules nothing more, so its timers (pattern repeats,
      // window expiries) run out instead of firing forever; its output is already muted.
      // (Inline rather than guardedTimers: a time window re-arms per event, one call level less.)
      timers: {
        now,
        schedule: (owner, tag, due, reuse) =>
          handle.isAlive ? queue.schedule(owner, tag, due, reuse) : deadTimer(owner, tag, due),
        cancel: (timer) => queue.cancel(timer),
        quietUntil: () => queue.quietUntil(),
      },
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
      infra: this.infra,
      onPatternCapReached: (statement) => {
        process.emitWarning(
          `Statement '${statement}' reached the cap of live partial matches; the oldest are discarded and counted`,
        );
      },
    };
    const physical =
      plan.context === undefined
        ? record.factory.instantiate(env, handle)
        : instantiateInContext(record.factory, env, handle);
    for (const entry of physical.entries) this.router(entry.stream).add(entry);
    handle.clock = this.now;
    handle.internals = physical;
    record.physical = physical;
    record.startTime = startTime;
    if (!restoring) physical.start();
  }

  private startClock(time: number): void {
    this.clock = this.options.startTime ?? time;
    const pending = this.pending;
    this.pending = [];
    // One statement failing to start must not leave the ones deployed after it unstarted
    // (receiving nothing, silently): start every other one, then report the failure.
    let failure: unknown;
    for (const p of pending) {
      try {
        this.instantiate(p, this.clock);
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
  }

  getVariable(name: string): unknown {
    return this.infra.variables.get(name);
  }

  setVariable(name: string, value: unknown): void {
    this.assertOpen('setVariable');
    this.infra.variables.set(name, value);
  }

  statement(name: string): StatementHandle | undefined {
    return this.handles.get(name);
  }

  statements(): StatementHandle[] {
    return [...this.handles.values()];
  }

  send(type: string, event: Row, timestamp?: number): void {
    this.enter();
    try {
      this.sendTyped(this.eventType(type), event, timestamp);
    } finally {
      this.leave();
    }
  }

  sendTransient(type: string, row: Row, timestamp?: number): void {
    this.enter();
    try {
      const eventType = this.eventType(type);
      const copy = eventType.copy;
      if (copy === undefined) this.sendTyped(eventType, row, timestamp);
      else this.sendLent(eventType, copy, row, timestamp);
    } finally {
      this.leave();
    }
  }

  /**
   * sendTyped for a row that fits its closed type and is lent for this call: no reader copy;
   * routed lent (routeTransient), copied only where it is kept (a statement taking it, the
   * event-time buffer, a late event's listeners).
   */
  private sendLent(eventType: EventType, copy: RowCopier, row: Row, timestamp: number | undefined): void {
    const time = timestamp ?? timestampOf(eventType.schema, row);
    if (!(typeof time === 'number' && time <= this.jumpCeiling && time >= -MAX_EVENT_TIME))
      this.admitTime(eventType, time);
    this.eventsIn++;
    if (this.buffer.isDirect(time)) this.process(eventType.router, row, time, copy);
    else this.offerToBuffer(eventType, copy(row), time);
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
    this.enter();
    try {
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
    } finally {
      this.leave();
    }
  }

  private eventType(type: string): EventType {
    const last = this.lastType;
    if (last !== undefined && last.schema.name === type) return last;
    return this.lookUpType(type);
  }

  /** The type's entry when it is not the last one sent (out of line: `send` inlines `eventType`). */
  private lookUpType(type: string): EventType {
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

  /**
   * The per-event path, kept small: V8 inlines what `send` calls within a bytecode budget, so
   * every rare case (an invalid event, a time beyond the jump ceiling, a buffered or late
   * event) is a call out of line, and the common one is a few comparisons.
   */
  private sendTyped(eventType: EventType, event: Row, timestamp: number | undefined): void {
    const row = eventType.reader.read(event);
    if (row === undefined) throw this.rejected(eventType.reader.invalid(event));
    const time = timestamp ?? timestampOf(eventType.schema, row);
    // One test for the common case: a number within the range and the jump ceiling (NaN fails).
    if (!(typeof time === 'number' && time <= this.jumpCeiling && time >= -MAX_EVENT_TIME))
      this.admitTime(eventType, time);
    this.eventsIn++;
    const buffer = this.buffer;
    if (buffer.isDirect(time)) this.process(eventType.router, row, time);
    else this.offerToBuffer(eventType, row, time);
  }

  /** Counts an event refused before it entered, and returns the error to throw. */
  private rejected(error: WeirError): WeirError {
    this.rejectedEvents++;
    return error;
  }

  /** An event time beyond the fast test: refused (counted) outside the range or too far ahead, else admitted. */
  private admitTime(eventType: EventType, time: unknown): void {
    // NaN and the infinities fail both comparisons.
    if (typeof time !== 'number' || !(time >= -MAX_EVENT_TIME && time <= MAX_EVENT_TIME)) {
      throw this.rejected(
        new WeirError(
          'runtime/invalid-event',
          `Event of type '${printable(eventType.schema.name)}' has an invalid timestamp ${describeArgument(time)}: ${EVENT_TIME_RANGE}`,
        ),
      );
    }
    if (time > this.jumpCeiling)
      this.checkTimeJump(time, `Event of type '${printable(eventType.schema.name)}'`);
  }

  /** An event the buffer holds (out of order within the lateness) or reports late. */
  private offerToBuffer(eventType: EventType, row: Row, time: number): void {
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

  /** One event's step; `copy`: the row is lent (sendTransient), copied where it is kept. */
  private process(router: StreamRouter, row: Row, time: number, copy?: RowCopier): void {
    if (this.clock === undefined) this.startClock(time);
    if (this.timers.nextDue <= time) this.fireTimers(time);
    if (time > (this.clock as number)) this.clock = time;
    this.eventsProcessed++;
    if (copy === undefined) router.route(row);
    else router.routeTransient(row, copy);
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
      const next = timer.owner.onTimer(timer.tag, due);
      if (typeof next === 'number') this.timers.rearm(timer, next);
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
      this.jumpCeiling = Math.min(time + this.maxTimeJump, MAX_EVENT_TIME);
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
    // At most MAX_EVENT_TIME, so one comparison with it also checks the range (sendTyped).
    this.jumpCeiling = Math.min(latest + this.maxTimeJump, MAX_EVENT_TIME);
  }

  /**
   * Starts a call that may evaluate statements (send, sendMany, advanceTime, flush): while
   * busy, problems met while evaluating are this engine's (expr-helpers' sinks), and a
   * snapshot is refused. One counter and nothing else: it is on every send's path.
   */
  private enter(): void {
    this.busy++;
  }

  private leave(): void {
    this.busy--;
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new WeirError('runtime/engine-closed', `${operation}: the engine is closed`);
  }

  advanceTime(time: number): void {
    this.assertOpen('advanceTime');
    if (typeof time !== 'number' || !(time >= -MAX_EVENT_TIME && time <= MAX_EVENT_TIME))
      throw new WeirError(
        'runtime/invalid-argument',
        `advanceTime(time) got ${describeArgument(time)}: ${EVENT_TIME_RANGE}`,
      );
    if (time > this.jumpCeiling) this.checkTimeJump(time, 'advanceTime');
    if (this.clock === undefined && this.buffer.size > 0 && this.buffer.newest - time > this.maxTimeJump) {
      // Event time would start here, and the buffered events, released later, would move it
      // further than one step may (found by fuzzing: a periodic timer then fired 10^9 times).
      throw new WeirError(
        'runtime/time-jump-too-large',
        `advanceTime(${time}) would start event time ${this.buffer.newest - time} ms before the buffered events (latest at ${this.buffer.newest}); ` +
          `one step may move it at most ${this.maxTimeJump} ms (option maxTimeJump, CLI --max-time-jump)`,
      );
    }
    this.enter();
    try {
      this.buffer.advanceTo(time);
      this.buffer.release(this.deliverBuffered, time);
      if (this.clock === undefined) this.startClock(time);
      this.fireTimers(time);
      if (time > (this.clock as number)) this.clock = time;
    } finally {
      this.leave();
    }
  }

  flush(): void {
    this.enter();
    try {
      this.buffer.drain(this.deliverBuffered);
    } finally {
      this.leave();
    }
  }

  snapshot(): Uint8Array {
    this.assertOpen('snapshot');
    if (this.busy > 0) {
      throw new WeirError(
        'snapshot/busy',
        'Cannot take a snapshot while an event is being processed (from a listener): take it between send calls',
      );
    }
    const w = new EventTableWriter();
    const partsWriter = PartListWriter.of(w);
    const statements: StatementSnapshot[] = this.records.map((record) => {
      const { handle, physical } = record;
      const parts = partsWriter.write(physical?.parts ?? [], `statement '${handle.name}'`);
      return {
        name: handle.name,
        start: record.startTime ?? null,
        deliveries: handle.deliveryCounts(),
        counters: physical?.counters() ?? [],
        parts,
      };
    });
    const buffer = this.buffer.snapshot(w);
    if (w.timersWritten !== this.timers.size) throw this.unwrittenTimers(w.timersWritten);
    const payload: EngineSnapshot = {
      options: this.snapshotOptions(),
      log: this.log,
      statements,
      clock: this.clock ?? null,
      buffer,
      timers: { nextSeq: this.timers.nextSeq, live: this.timers.size },
      counters: [
        this.eventsIn,
        this.eventsProcessed,
        this.lateEvents,
        this.unnamedCount,
        this.rejectedEvents,
      ],
      variables: this.infra.variables.snapshot(),
      events: w.table(),
    };
    const zeros = w.negativeZeros();
    if (zeros.length > 0) (payload as { negativeZeros?: NegativeZero[] }).negativeZeros = zeros;
    return encodeSnapshot(payload);
  }

  private snapshotOptions(): SnapshotOptions {
    return {
      allowedLateness: this.options.allowedLateness ?? 0,
      startTime: this.options.startTime ?? null,
      maxPartialMatches: this.options.maxPartialMatches ?? DEFAULT_MAX_PARTIAL_MATCHES,
      columnarAggregation: this.options.columnarAggregation ?? true,
      maxTimeJump: this.maxTimeJump,
    };
  }

  /** Pending timers no part wrote (a part that forgot its timer): refused, never a partial snapshot. */
  private unwrittenTimers(written: number): WeirError {
    const owners = new Set<string>();
    for (const t of this.timers.pending()) owners.add(t.owner.constructor.name);
    return new WeirError(
      'snapshot/unsupported',
      `Cannot snapshot: ${this.timers.size - written} pending timer(s) were not written by their owner ` +
        `(timers of: ${[...owners].join(', ')}); nothing was written`,
    );
  }

  /** Rebuilds this fresh engine from a checked snapshot payload (see createEngine). */
  restoreFrom(p: EngineSnapshot): void {
    for (const entry of p.log) {
      if (entry.op === 'deploy') this.deploy(entry.text, entry.file === null ? {} : { file: entry.file });
      else this.handles.get(entry.name)?.undeploy();
    }
    this.log.length = 0;
    this.log.push(...p.log);
    const [eventsIn, eventsProcessed, lateEvents, unnamedCount, rejectedEvents] = p.counters as number[];
    this.rejectedEvents = rejectedEvents ?? 0;
    this.eventsIn = eventsIn ?? 0;
    this.eventsProcessed = eventsProcessed ?? 0;
    this.lateEvents = lateEvents ?? 0;
    this.unnamedCount = unnamedCount ?? 0;
    if (this.records.length !== p.statements.length) {
      throw mismatch(
        `it holds ${p.statements.length} statements, its deployments give ${this.records.length}`,
      );
    }
    if (p.clock !== null) {
      this.clock = p.clock;
      this.pending = [];
      this.records.forEach((record, i) => {
        const s = p.statements[i] as StatementSnapshot;
        if (s.name !== record.handle.name)
          throw mismatch(`statement ${i} is '${s.name}', not '${record.handle.name}'`);
        if (s.start === null) throw mismatch(`statement '${s.name}' has no start time`);
        this.instantiate(record, s.start, true);
      });
    }
    const r = new EventTableReader(
      p.events,
      (owner, tag, due, seq) => this.timers.restore(owner, tag, due, seq),
      p.negativeZeros,
    );
    const partsReader = PartListReader.of(r);
    this.records.forEach((record, i) => {
      const s = p.statements[i] as StatementSnapshot;
      record.handle.restoreDeliveryCounts(s.deliveries);
      record.physical?.restoreCounters(s.counters);
      partsReader.read(record.physical?.parts ?? [], s.parts, `statement '${s.name}'`);
    });
    this.buffer.restore(p.buffer, r);
    this.infra.variables.restore(p.variables);
    this.timers.nextSeq = p.timers.nextSeq;
    if (r.timersRestored !== p.timers.live || this.timers.size !== p.timers.live) {
      throw new WeirError(
        'snapshot/corrupt',
        `The snapshot is corrupt: it accounts for ${p.timers.live} pending timers, its parts re-armed ${r.timersRestored} and the restored engine has ${this.timers.size}`,
      );
    }
  }

  close(): void {
    if (this.closed) return;
    // End of input first: buffered events are processed, not lost with the engine.
    this.flush();
    this.closed = true;
    this.unregisterIssues();
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
      invalidRegexps: this.issues.invalidRegexps,
      invalidPeriods: this.issues.invalidPeriods,
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

/** The engine a snapshot describes, or a `snapshot/…` WeirError (nothing half-built escapes). */
function restoreEngine(bytes: Uint8Array, options: WeirEngineOptions): WeirEngine {
  const payload = checkEngineSnapshot(decodeSnapshot(bytes));
  const saved = payload.options;
  const given: Record<keyof SnapshotOptions, unknown> = {
    allowedLateness: options.allowedLateness,
    startTime: options.startTime,
    maxPartialMatches: options.maxPartialMatches,
    columnarAggregation: options.columnarAggregation,
    maxTimeJump: options.maxTimeJump,
  };
  for (const [key, value] of Object.entries(given)) {
    const was = saved[key as keyof SnapshotOptions];
    if (value !== undefined && value !== was) {
      throw new WeirError(
        'snapshot/mismatch',
        `Option ${key} is ${String(value)} but the snapshot was taken with ${String(was)}; leave it out to use the snapshot's`,
      );
    }
  }
  const engine = new WeirEngine({
    allowedLateness: saved.allowedLateness,
    ...(saved.startTime === null ? {} : { startTime: saved.startTime }),
    maxPartialMatches: saved.maxPartialMatches,
    columnarAggregation: saved.columnarAggregation,
    maxTimeJump: saved.maxTimeJump,
  });
  try {
    engine.restoreFrom(payload);
  } catch (e) {
    if (e instanceof WeirError && e.code.startsWith('snapshot/')) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new WeirError('snapshot/corrupt', `The snapshot could not be restored: ${detail}`);
  }
  return engine;
}

export function createEngine(options: WeirEngineOptions = {}): Engine {
  const checked = validateEngineOptions(options);
  if (checked.restore !== undefined) return restoreEngine(checked.restore, checked);
  return new WeirEngine(checked);
}
