// Where an ensemble's state lives: `<working directory>/.model_ensemble/<configuration name>/` unless given.
import path from 'node:path';

/** The state directory of the configuration `file` run from `cwd`, or `override` resolved against `cwd`. */
export function resolveStateDir(cwd: string, file: string, override?: string): string {
  if (override) return path.resolve(cwd, override);
  const name = path.basename(file).replace(/\.[^.]*$/, '');
  return path.join(cwd, '.model_ensemble', name);
}
