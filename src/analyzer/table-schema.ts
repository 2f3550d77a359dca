/** A table's rows as a stream's events: joins, subqueries and `on` actions read them by column. */
import type { TableDef } from '../plan/infra-defs.js';
import type { EventSchema } from './event-schema.js';

export function tableRowSchema(table: TableDef): EventSchema {
  return {
    name: table.name,
    properties: new Map(table.columns.map((c) => [c.name, c.type] as const)),
    timestampProperty: undefined,
    open: false,
    declared: true,
  };
}
