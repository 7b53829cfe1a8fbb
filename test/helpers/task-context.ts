// A task context for tests: a real shell, a real working directory, a silent logger, no jobs.
import { JobSlots } from '../../src/engine/limits.js';
import { createSilentLogger } from '../../src/log.js';
import type { TaskContext } from '../../src/tasks/types.js';

/** A run task's context running commands in `cwd` (relative path arguments too), with `values` for `run.` arguments. */
export function taskContext(cwd: string, values: Record<string, unknown> = {}, overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    level: 'run',
    values,
    cwd,
    pathBase: cwd,
    shell: '/bin/bash',
    checkIntervalMs: 10,
    jobs: new JobSlots(),
    logger: createSilentLogger(),
    submit: () => Promise.reject(new Error('no executor in this test')),
    ...overrides,
  };
}
