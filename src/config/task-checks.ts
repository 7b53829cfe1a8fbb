// Task arguments that can be judged when the file is read, before anything runs: a `move` to `/` (every run would
// land at the top of the file system) or into something that is not a folder (`/dev/null`) would fail, or worse,
// for every run hours later. Arguments given as `run.` references are judged when the task runs.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors.js';
import { allTasks } from './task-specs.js';
import type { Ensemble } from './types.js';

/** Problems with task arguments written as literal paths. */
export function checkTaskPaths(ensemble: Ensemble): Problem[] {
  const problems: Problem[] = [];
  for (const task of allTasks(ensemble)) {
    const dest = task.args.dest;
    if (task.name !== 'move' || typeof dest !== 'string' || dest.startsWith('run.') || !path.isAbsolute(dest)) continue;
    const where = { ...task.where, key: `${task.where.key ?? ''}.args.dest` };
    if (dest === path.parse(dest).root) {
      problems.push({ where, message: `move: dest ${dest} would copy every run to the top of the file system; give the folder that should receive the runs` });
      continue;
    }
    const stat = statSync(dest, { throwIfNoEntry: false });
    if (stat !== undefined && !stat.isDirectory()) problems.push({ where, message: `move: dest ${dest} is not a folder; give the folder that should receive the runs` });
  }
  return problems;
}
