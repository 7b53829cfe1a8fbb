// Where an ensemble's state lives: `<working directory>/.model_ensemble/<configuration name>/` unless given.
import { createHash } from 'node:crypto';
import path from 'node:path';

/** The state directory of the configuration `file` run from `cwd`, or `override` resolved against `cwd`. */
export function resolveStateDir(cwd: string, file: string, override?: string): string {
  if (override) return path.resolve(cwd, override);
  const name = path.basename(file).replace(/\.[^.]*$/, '');
  return path.join(cwd, '.model_ensemble', name);
}

/** A short id for the ensemble kept in `stateDir`: part of every job's tag, so jobs are found again. */
export function ensembleIdOf(stateDir: string): string {
  return createHash('sha1').update(path.resolve(stateDir)).digest('hex').slice(0, 10);
}
