import { physicalDescription } from '../physical/describe-physical.js';
import type { PhysicalRuleOptions } from '../physical/physical-rules.js';
/** `weir explain`: logical plan, optimized plan (with the rule trace when verbose), physical operators. */
import { explainStatement } from '../plan/explain.js';
import { compileModule } from './compile-module.js';

/** `columnarAggregation: false` explains the plan an engine created with that option runs. */
export interface ExplainOptions extends PhysicalRuleOptions {
  readonly file?: string;
  readonly verbose?: boolean;
}

export function explainModule(text: string, options: ExplainOptions = {}): string {
  const compiled = compileModule(text, options.file === undefined ? {} : { file: options.file });
  const out: string[] = [];
  compiled.logical.statements.forEach((logical, i) => {
    const optimized = compiled.optimized.plan.statements[i];
    out.push(`statement '${logical.name}': ${logical.text.trim()}`);
    out.push('', 'logical plan:', indent(explainStatement(logical)));
    if (optimized !== undefined) {
      out.push('', 'optimized plan:', indent(explainStatement(optimized)));
      if (options.verbose === true) {
        const steps = compiled.optimized.trace.filter((t) => t.statement === logical.name);
        out.push('', `optimizer trace (${steps.length} rewrite${steps.length === 1 ? '' : 's'}):`);
        for (const step of steps) out.push(`  ${step.rule}:`, indent(step.after, 4));
      }
      const physical = physicalDescription(optimized, options);
      out.push('', 'physical operators:', indent(physical.operators));
      if (physical.rules.length > 0) out.push('', 'physical rules:', indent(physical.rules.join('\n')));
    }
    out.push('');
  });
  return out.join('\n');
}

function indent(text: string, n = 2): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}
