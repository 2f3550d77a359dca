/** `weir explain`: logical plan, optimized plan (with the rule trace when verbose), physical operators. */
export interface ExplainOptions {
  readonly file?: string;
  readonly verbose?: boolean;
}

export function explainModule(_text: string, _options: ExplainOptions = {}): string {
  throw new Error('explainModule: not implemented yet');
}
