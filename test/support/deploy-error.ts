/** The first error a deployment is refused with (fails the test when it deploys). */
import { expect } from 'vitest';
import { WeirErrors, createEngine } from '../../src/index.js';

export interface DeployError {
  readonly code: string;
  readonly message: string;
  readonly line: number | undefined;
}

export function deployError(module: string): DeployError {
  try {
    createEngine().deploy(module);
  } catch (e) {
    expect(e).toBeInstanceOf(WeirErrors);
    const [first] = (e as WeirErrors).errors;
    if (first === undefined) throw new Error('no error listed');
    return { code: first.code, message: first.message, line: first.span?.line };
  }
  throw new Error('deploy succeeded');
}
