/** The engine: placeholder until the runtime lands (statement compilation, clock, buffer). */
import type { Engine, EngineOptions } from './api.js';

export function createEngine(_options: EngineOptions = {}): Engine {
  throw new Error('createEngine: not implemented yet');
}
