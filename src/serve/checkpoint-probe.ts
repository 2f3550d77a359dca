/**
 * Whether a served engine can be checkpointed, asked before it matters: at start-up and before
 * an HTTP deploy, not at the first periodic checkpoint minutes later.
 *
 * The engine builds a statement's operators only once its clock starts, so the snapshot of a
 * freshly deployed module holds no parts and succeeds whatever the statements are. The probe
 * therefore works on a copy: the live engine's snapshot restored into a new engine, the EPL
 * about to be deployed added, the clock started, and a snapshot taken. A statement with a part
 * that does not implement the state contract yet fails that snapshot with the engine's own
 * `snapshot/unsupported` error naming the statement and the part; the live engine is untouched.
 */
import { WeirError } from '../common/errors.js';
import type { Engine } from '../runtime/api.js';
import { createEngine } from '../runtime/engine.js';

/**
 * Throws `snapshot/unsupported` when `engine` (with `deploy` added, if given) could not be
 * checkpointed. Deploy errors of `deploy` itself are thrown as the engine throws them.
 */
export function assertCheckpointable(
  engine: Engine,
  deploy?: { readonly text: string; readonly file: string },
): void {
  const probe = createEngine({ restore: engine.snapshot() });
  try {
    if (deploy !== undefined) probe.deploy(deploy.text, { file: deploy.file });
    if (probe.stats().currentTime === undefined) probe.advanceTime(0);
    probe.snapshot();
  } catch (e) {
    if (e instanceof WeirError && e.code === 'snapshot/unsupported') {
      throw new WeirError(
        'snapshot/unsupported',
        `${e.message}; --checkpoint needs every statement to be checkpointable (see "Checkpoints" in the README)`,
      );
    }
    throw e;
  } finally {
    probe.close();
  }
}
