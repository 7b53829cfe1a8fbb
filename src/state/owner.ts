// Whose state a state directory holds: the configuration file and working directory of its latest start (their
// real paths, journaled with every start). Two configurations that map to one state directory (`sub1/k.yml` and
// `sub2/k.yml` run from one folder both map to `.model_ensemble/k`) must never share it: the second would find the
// first's runs "already done".
import { realpathSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { EnsembleState } from './types.js';

/** A configuration file and the working directory it runs from, as real paths. */
export interface StateOwner {
  readonly config: string;
  readonly cwd: string;
}

/** The real path of `file`, or `file` itself when it no longer exists. */
function real(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** The owner an ensemble run from `cwd` with configuration `config` would be. */
export function ownerOf(config: string, cwd: string): StateOwner {
  return { config: real(config), cwd: real(cwd) };
}

/** Why `owner` may not use the state in `stateDir`, or undefined when it is its own (or nobody's yet). */
export function describeOtherOwner(stateDir: string, state: EnsembleState, owner: StateOwner): string | undefined {
  const recorded = state.owner;
  if (recorded === undefined) return undefined;
  const sameConfig = real(recorded.config) === owner.config;
  const sameCwd = recorded.cwd === undefined || real(recorded.cwd) === owner.cwd;
  if (sameConfig && sameCwd) return undefined;
  const theirs = `${recorded.config}${recorded.cwd !== undefined ? ` run from ${recorded.cwd}` : ''}`;
  return `the state directory ${stateDir} holds the ensemble of ${theirs}, not of ${owner.config} run from ${owner.cwd}; give this one a state directory of its own with --state-dir DIR`;
}

/** Throws ERR_STATE_TAKEN (exit 2) when `owner` may not use the state in `stateDir`. */
export function assertOwner(stateDir: string, state: EnsembleState, owner: StateOwner): void {
  const problem = describeOtherOwner(stateDir, state, owner);
  if (problem !== undefined) throw new UsageError(problem, { code: 'ERR_STATE_TAKEN' });
}
