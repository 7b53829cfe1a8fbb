// `model_ensemble rerun` and `model_ensemble cancel`: applied to the journal at once when no orchestrator runs the
// ensemble, otherwise left as a request that the running one applies within a second.
import path from 'node:path';
import { loadEnsemble } from '../../config/load.js';
import type { Ensemble } from '../../config/types.js';
import { cancelEnsemble, rerunEnsemble, type ControlResult } from '../../engine/session.js';
import { UsageError } from '../../errors.js';
import { resolveStateDir } from '../../state/paths.js';
import { EXIT } from '../exit.js';

export interface ControlRequest {
  readonly config: string;
  readonly stateDir: string | undefined;
  /** Run ids given with --runs. */
  readonly runs: readonly string[];
  /** rerun --failed and --cancelled: the end states whose runs to rerun. */
  readonly states: ReadonlyArray<'failed' | 'cancelled'>;
  readonly cwd: string;
  readonly out: (text: string) => void;
}

/** The ensemble and its state directory; --runs must name runs of the configuration. */
async function locate(request: ControlRequest): Promise<{ stateDir: string; ensemble: Ensemble }> {
  const file = path.resolve(request.cwd, request.config);
  const ensemble = await loadEnsemble(file, { cwd: request.cwd });
  const known = new Set(ensemble.batches.flatMap((batch) => batch.runs.map((run) => run.id)));
  const unknown = request.runs.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`--runs: no run ${unknown.join(', ')} in ${request.config}`);
  return { stateDir: resolveStateDir(request.cwd, file, request.stateDir), ensemble };
}

/** The line for a request left to the running orchestrator. */
function requested(result: ControlResult, action: string): string {
  return `an orchestrator is running this ensemble; it will ${action} ${result.runs.length > 0 ? result.runs.join(', ') : 'its runs'} within a second (see status)\n`;
}

/** `rerun`: marks runs to run again on the next start. */
export async function rerunCommand(request: ControlRequest): Promise<number> {
  if (request.states.length === 0 && request.runs.length === 0) throw new UsageError('rerun: say which runs: --failed, --cancelled, or --runs a-1,b-0');
  const { stateDir, ensemble } = await locate(request);
  const result = await rerunEnsemble(ensemble, stateDir, request.runs, request.states);
  if (result.applied === 'requested') request.out(requested(result, 'rerun'));
  else request.out(result.runs.length > 0 ? `${result.runs.length} run(s) will run again on the next start: ${result.runs.join(', ')}\n` : 'no finished run to rerun\n');
  return EXIT.ok;
}

/** `cancel`: cancels the ensemble's jobs in the scheduler (all, or --runs) and records the runs cancelled. */
export async function cancelCommand(request: ControlRequest): Promise<number> {
  const { stateDir, ensemble } = await locate(request);
  const result = await cancelEnsemble(stateDir, ensemble, request.runs);
  if (result.applied === 'requested') request.out(requested(result, 'cancel'));
  else request.out(result.runs.length > 0 ? `cancelled ${result.runs.length} run(s), ${result.jobs.length} job(s) in the scheduler\n` : 'nothing to cancel\n');
  return EXIT.ok;
}
