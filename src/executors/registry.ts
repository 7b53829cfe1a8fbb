// The executors by name: `local` (alias `dummy`, model-ensembler's name) and `slurm`.
import type { Logger } from '../log.js';
import { LocalExecutor } from './local.js';
import { SlurmExecutor } from './slurm.js';
import type { ExecutorName } from './names.js';
import type { Executor } from './types.js';


export interface ExecutorSettings {
  readonly shell: string;
  readonly logger: Logger;
  /** How long (ms) a just-submitted job may stay unknown to the scheduler before it counts as lost (`-st`). */
  readonly submitGraceMs?: number;
}

/** The programs an executor needs, with what to say when one is missing. */
export const EXECUTOR_PROGRAMS: Readonly<Record<ExecutorName, ReadonlyArray<{ program: string; missing: string }>>> = {
  slurm: [{ program: 'sbatch', missing: 'sbatch is not on PATH: this machine has no SLURM. Add `dummy` after the configuration file to run the jobs as local processes.' }],
  local: [],
  dummy: [],
};

/** Builds the named executor. */
export function createExecutor(name: ExecutorName, settings: ExecutorSettings): Executor {
  if (name === 'slurm') {
    return new SlurmExecutor({
      shell: settings.shell,
      logger: settings.logger,
      ...(settings.submitGraceMs !== undefined ? { graceMs: settings.submitGraceMs } : {}),
    });
  }
  return new LocalExecutor({ shell: settings.shell, logger: settings.logger });
}
