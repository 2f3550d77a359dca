/** `match_recognize (…)` after a stream (pending the row-pattern engine). */
import type { MatchRecognize } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { MatchRecognizePlan } from '../patterns/match-recognize/mr-plan.js';
import type { EventSchema } from './event-schema.js';
import type { Scope } from './scope.js';

export function bindMatchRecognizeSource(
  mr: MatchRecognize,
  _schema: EventSchema,
  _scope: Scope,
): { plan: MatchRecognizePlan; columns: ReadonlyMap<string, EplType> } {
  throw new WeirError('analyze/unsupported', 'match_recognize is not supported yet', { span: mr.span });
}
