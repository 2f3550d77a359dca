/**
 * `from A#win as a, B#win as b, …`: Esper's inner join of data windows. Every stream needs
 * a data window, except one marked `unidirectional`, which must have none (Esper's rules:
 * only its arrivals trigger the join, so it keeps no events); and every stream needs a
 * distinct name (its alias, else its type name).
 * A named window takes part as a data window holding its rows (it declares none of its
 * own); a table is read, never posts (Esper's polling stream): when the other streams are
 * tables and one event stream without a window is left, that stream drives the join as if
 * marked unidirectional (Esper's StatementForgeMethodSelectUtil.verifyJoinViews).
 */
import type { FromItem, StreamSource } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { AnalyzedSource, JoinedStream } from '../plan/analyzed-statement.js';
import type { PlanSchema, SharedJoinSource } from '../plan/logical-plan.js';
import { analyzeNamedWindowSource } from './analyze-named-window-source.js';
import { analyzeStreamSource, conjunction } from './analyze-stream-source.js';
import { type BindContext, bindExpr, streamFilterContext } from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import type { EventSchema } from './event-schema.js';
import { type JoinScopeStream, joinScope } from './join-scope.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { streamScope } from './scope.js';
import { tableRowSchema } from './table-schema.js';

/**
 * `fullOuter`: every stream after the first is joined by a full outer join, where Esper lets
 * every stream be unidirectional (each arrival then posts a row of its own).
 */
export function analyzeJoinSource(
  from: readonly FromItem[],
  catalog: SchemaCatalog,
  fullOuter = false,
  infra?: InfraBindings,
) {
  const streams: JoinedStream[] = [];
  const scoped: JoinScopeStream[] = [];
  const tableCount = from.filter(
    (item) => item.kind === 'StreamSource' && infra?.catalog.table(item.stream.name) !== undefined,
  ).length;
  for (const item of from) {
    if (item.kind !== 'StreamSource') {
      throw new WeirError('analyze/unsupported', 'A pattern cannot take part in a join yet', {
        span: item.span,
      });
    }
    if (item.matchRecognize !== undefined) {
      throw new WeirError('analyze/unsupported', 'match_recognize cannot take part in a join', {
        span: item.span,
      });
    }
    const alias = item.alias?.name ?? item.stream.name;
    if (streams.some((s) => s.alias === alias)) {
      throw new WeirError(
        'analyze/duplicate-stream',
        `Two streams of the join are named '${alias}': give each its own alias, as in ${item.stream.name}#length(10) as ${alias}2`,
        { span: item.alias?.span ?? item.span },
      );
    }
    const shared = infra === undefined ? undefined : sharedSource(item, alias, catalog, infra);
    if (shared !== undefined) {
      if (shared.stream.unidirectional && !fullOuter && streams.some((s) => s.unidirectional)) {
        throw new WeirError(
          'analyze/invalid-join',
          `Only one stream of a join can be unidirectional ('${streams.find((s) => s.unidirectional)?.alias}' already is)`,
          { span: item.span },
        );
      }
      streams.push(shared.stream);
      scoped.push({ alias, schema: shared.schema });
      continue;
    }
    // The one event stream joined with tables only, without a window, drives the join.
    const implicitDriver =
      !item.unidirectional && item.windows.length === 0 && tableCount > 0 && tableCount === from.length - 1;
    const unidirectional = item.unidirectional || implicitDriver;
    if (item.unidirectional && item.windows.length > 0) {
      throw new WeirError(
        'analyze/invalid-join',
        `Stream '${alias}' is unidirectional: it cannot have a data window (its events trigger the join and are not kept)`,
        { span: item.windows[0]?.span ?? item.span },
      );
    }
    if (item.unidirectional && !fullOuter && streams.some((s) => s.unidirectional)) {
      throw new WeirError(
        'analyze/invalid-join',
        `Only one stream of a join can be unidirectional ('${streams.find((s) => s.unidirectional)?.alias}' already is)`,
        { span: item.span },
      );
    }
    if (!unidirectional && item.windows.length === 0) {
      throw new WeirError(
        'analyze/join-needs-window',
        `Stream '${alias}' of the join has no data window: give it one, as in ${item.stream.name}#length(100) as ${alias}, or mark it unidirectional`,
        { span: item.span },
      );
    }
    const analysis = analyzeStreamSource(item, catalog);
    const source = analysis.source;
    if (source.kind !== 'stream') throw new Error('a stream source analyses to a stream');
    streams.push({
      alias,
      stream: source.stream,
      unidirectional,
      filter: source.filter,
      windows: source.windows,
      ...(source.union === true ? { union: true } : {}),
      inputSchema: source.inputSchema,
    });
    scoped.push({ alias, schema: catalog.require(item.stream) });
  }
  const unidirectional = streams.filter((s) => s.unidirectional).length;
  if (unidirectional > 1 && unidirectional < streams.length) {
    throw new WeirError(
      'analyze/invalid-join',
      'In a full outer join, unidirectional marks either one stream or every stream',
      { span: from[0]?.span ?? from[from.length - 1]?.span },
    );
  }
  const analyzed: AnalyzedSource = {
    kind: 'join',
    outer: undefined,
    streams,
    inputSchema: streams.map((s) => ({ name: s.alias, type: 'any' as const })),
  };
  return { source: analyzed, scope: joinScope(scoped) };
}

/** A named window or table named in the from clause: its join stream and row schema. */
function sharedSource(
  item: StreamSource,
  alias: string,
  catalog: SchemaCatalog,
  infra: InfraBindings,
): { stream: JoinedStream; schema: EventSchema } | undefined {
  const window = infra.catalog.window(item.stream.name);
  if (window !== undefined) {
    // A consumer's checks and filter (applied to the window's posts, new and old alike).
    const analysis = analyzeNamedWindowSource(item, window, catalog, infra);
    const source = analysis.source;
    if (source.kind !== 'named-window') throw new Error('a named window analyses to its posts');
    const shared: SharedJoinSource = { kind: 'named-window', name: window.name, batching: window.batching };
    return {
      stream: {
        alias,
        stream: window.name,
        unidirectional: item.unidirectional,
        filter: source.filter,
        windows: [],
        inputSchema: window.schema,
        shared,
      },
      schema: catalog.require(item.stream),
    };
  }
  const table = infra.catalog.table(item.stream.name);
  if (table === undefined) return undefined;
  const first = item.windows[0];
  if (first !== undefined) {
    throw new WeirError(
      'analyze/invalid-join',
      `'${table.name}' is a table: it cannot declare a data window (#${first.name.name}); the join reads its current rows`,
      { span: first.span },
    );
  }
  if (item.unidirectional) {
    throw new WeirError(
      'analyze/invalid-join',
      `'${table.name}' is a table: it cannot be unidirectional (a table never triggers a join; the other streams' events read it)`,
      { span: item.span },
    );
  }
  if (item.matchRecognize !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      `match_recognize over the table '${table.name}' is not supported`,
      {
        span: item.matchRecognize.span,
      },
    );
  }
  const schema = tableRowSchema(table);
  const filterCtx = streamFilterContext(streamScope(schema, item.alias?.name), infra);
  const filter = conjunction(item.filters.map((f) => bindExpr(f, filterCtx)));
  const inputSchema: PlanSchema = table.columns.map((c) => ({ name: c.name, type: c.type }));
  return {
    stream: {
      alias,
      stream: table.name,
      unidirectional: false,
      filter,
      windows: [],
      inputSchema,
      shared: { kind: 'table', name: table.name, keys: table.keys },
    },
    schema,
  };
}
