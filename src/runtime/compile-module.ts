/**
 * Query text → optimized statement plans: parse, analyze, plan, optimize. Shared by
 * deploy, `weir check` and `weir explain`, so all three see exactly the same pipeline.
 */
import type { AnalyzedModule } from '../analyzer/analyze-module.js';
import { analyzeModule } from '../analyzer/analyze-module.js';
import type { EventSchema } from '../analyzer/event-schema.js';
import type { InfraDefs } from '../analyzer/infra-catalog.js';
import { type OptimizeResult, optimize } from '../optimizer/optimize.js';
import { parseModule } from '../parser/parse-module.js';
import { buildPlan } from '../plan/build-plan.js';
import type { ModulePlan } from '../plan/logical-plan.js';

export interface CompiledModule {
  readonly analyzed: AnalyzedModule;
  readonly logical: ModulePlan;
  readonly optimized: OptimizeResult;
}

export interface CompileContext {
  readonly file?: string;
  readonly knownSchemas?: readonly EventSchema[];
  readonly takenNames?: ReadonlySet<string>;
  readonly firstIndex?: number;
  /** Variables, named windows, tables and contexts of earlier deployments. */
  readonly knownInfra?: InfraDefs;
}

/** Throws WeirErrors with every problem found. */
export function compileModule(text: string, context: CompileContext = {}): CompiledModule {
  const module = parseModule(text, context.file);
  const analyzed = analyzeModule(
    module,
    context.knownSchemas,
    context.takenNames,
    context.firstIndex,
    context.knownInfra,
  );
  const logical: ModulePlan = { statements: analyzed.statements.map(buildPlan) };
  return { analyzed, logical, optimized: optimize(logical) };
}
