/**
 * `from A#win as a, B#win as b, …`: Esper's inner join of data windows. Every stream needs
 * a data window, except one marked `unidirectional`, which must have none (Esper's rules:
 * only its arrivals trigger the join, so it keeps no events); and every stream needs a
 * distinct name (its alias, else its type name).
 */
import type { FromItem } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { AnalyzedSource, JoinedStream } from '../plan/analyzed-statement.js';
import { analyzeStreamSource } from './analyze-stream-source.js';
import { type JoinScopeStream, joinScope } from './join-scope.js';
import type { SchemaCatalog } from './schema-catalog.js';

/**
 * `fullOuter`: every stream after the first is joined by a full outer join, where Esper lets
 * every stream be unidirectional (each arrival then posts a row of its own).
 */
export function analyzeJoinSource(from: readonly FromItem[], catalog: SchemaCatalog, fullOuter = false) {
  const streams: JoinedStream[] = [];
  const scoped: JoinScopeStream[] = [];
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
    if (!item.unidirectional && item.windows.length === 0) {
      throw new WeirError(
        'analyze/join-needs-window',
        `Stream '${alias}' of the join has no data window: give it one, as in ${item.stream.name}#length(100) as ${alias}, or mark it unidirectional`,
        { span: item.span },
      );
    }
    if (streams.some((s) => s.alias === alias)) {
      throw new WeirError(
        'analyze/duplicate-stream',
        `Two streams of the join are named '${alias}': give each its own alias, as in ${item.stream.name}#length(10) as ${alias}2`,
        { span: item.alias?.span ?? item.span },
      );
    }
    const analysis = analyzeStreamSource(item, catalog);
    const source = analysis.source;
    if (source.kind !== 'stream') throw new Error('a stream source analyses to a stream');
    streams.push({
      alias,
      stream: source.stream,
      unidirectional: item.unidirectional,
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
