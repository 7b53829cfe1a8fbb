// The executors of one ensemble, by name, made when first needed: a batch may send its jobs elsewhere than the
// command line says (`executor: local` for analysis on the login node beside `slurm` simulations). `dummy` and
// `local` are one executor.
import type { ExecutorName } from './names.js';
import { createExecutor, type ExecutorSettings } from './registry.js';
import type { Executor } from './types.js';

/** The executor's own name of an executor name: `dummy` is `local`. */
export function canonicalExecutor(name: ExecutorName): 'local' | 'slurm' {
  return name === 'slurm' ? 'slurm' : 'local';
}

/** Executors by name, each made once. */
export class ExecutorPool {
  private readonly made = new Map<'local' | 'slurm', Executor>();

  /** `fallback`: the executor of batches that name none (the command line's). */
  constructor(
    readonly fallback: ExecutorName,
    private readonly settings: ExecutorSettings,
  ) {}

  /** A pool whose every name gives `executor` (for an engine driven with an executor of its own). */
  static of(executor: Executor): ExecutorPool {
    const pool = new ExecutorPool('local', { shell: '/bin/bash', logger: undefined as never });
    pool.made.set('local', executor);
    pool.made.set('slurm', executor);
    return pool;
  }

  /** The executor named `name` (the fallback when undefined). */
  get(name: ExecutorName | string | undefined): Executor {
    const key = canonicalExecutor((name as ExecutorName | undefined) ?? this.fallback);
    let executor = this.made.get(key);
    if (!executor) this.made.set(key, (executor = createExecutor(key, this.settings)));
    return executor;
  }

  /** The executors made so far. */
  all(): Executor[] {
    return [...this.made.values()];
  }

  /** Releases every executor made. */
  async close(): Promise<void> {
    await Promise.all(this.all().map((executor) => executor.close()));
  }
}
