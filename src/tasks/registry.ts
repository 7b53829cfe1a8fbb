// The tasks by name. The shape of each is checked once at load, so a broken registration fails at start-up.
import { checkTask } from './check.js';
import { executeTask } from './execute.js';
import { jobsTask } from './jobs.js';
import { moveTask } from './move.js';
import { quotaTask } from './quota.js';
import { removeTask } from './remove.js';
import { submitTask } from './submit.js';
import type { Task } from './types.js';

function isValidTask(task: Task): boolean {
  return typeof task.name === 'string' && (task.kind === 'check' || task.kind === 'process') && typeof task.run === 'function';
}

function buildRegistry(tasks: readonly Task[]): ReadonlyMap<string, Task> {
  const registry = new Map<string, Task>();
  for (const task of tasks) {
    if (!isValidTask(task) || registry.has(task.name)) throw new Error(`invalid task registration: ${String(task.name)}`);
    registry.set(task.name, task);
  }
  return registry;
}

/** Every task the configuration may name. */
export const TASKS: ReadonlyMap<string, Task> = buildRegistry([
  checkTask,
  quotaTask,
  jobsTask,
  executeTask,
  submitTask,
  moveTask,
  removeTask,
]);
