/**
 * An event's properties, or one output row. Rows are plain objects so that listeners,
 * JSON output and user code see ordinary JavaScript values. A row object's identity
 * is the event's identity: windows and aggregates that must remove "this event"
 * (unique, sort, first/last) compare rows by reference.
 */
export type Row = Record<string, unknown>;

/** One listener call: the insert stream and the remove stream, null for an absent side (as Esper). */
export interface Update {
  readonly newEvents: Row[] | null;
  readonly oldEvents: Row[] | null;
}
