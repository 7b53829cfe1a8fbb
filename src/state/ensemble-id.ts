// The short id of an ensemble, part of every job's tag (so jobs are found again after a crash): a digest of its state
// directory's path. Apart from paths.ts so that reading an ensemble's state (status) never loads node:crypto, whose
// start-up costs about 8 ms.
import { createHash } from 'node:crypto';
import path from 'node:path';

/** A short id for the ensemble kept in `stateDir`: part of every job's tag, so jobs are found again. */
export function ensembleIdOf(stateDir: string): string {
  return createHash('sha1').update(path.resolve(stateDir)).digest('hex').slice(0, 10);
}
