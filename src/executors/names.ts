// The executor names the command line accepts: `slurm`, `local` and model-ensembler's `dummy` (an alias of local).
// Plain data, so that parsing a command line loads no executor.

/** The names the command line accepts. */
export const EXECUTOR_NAMES = ['slurm', 'dummy', 'local'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** A name as an executor name: `slurm` when it is none (the default). */
export function readExecutorName(value: unknown): ExecutorName {
  return (EXECUTOR_NAMES as readonly string[]).includes(String(value)) ? (value as ExecutorName) : 'slurm';
}
