// A run's results: the JSON mapping its job leaves in its result file (`result.json`, or the batch's
// `result_file`), read once the job has ended well and before post_run, and journaled with the run, so `results`,
// metrics and rules see it however often the ensemble is resumed.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RunEnv } from './types.js';

/** The largest result file kept: results are numbers and short texts, not data. */
export const MAX_RESULT_BYTES = 1024 * 1024;

/** The run's results, or undefined when it left none or they cannot be kept (said once, as a warning). */
export async function readResult(env: RunEnv, dir: string, file: string, run: string): Promise<Record<string, unknown> | undefined> {
  const where = path.resolve(dir, file);
  const warn = (why: string): undefined => {
    env.options.logger.warn(`run ${run}: ${path.relative(dir, where)} ${why}; no result is kept`);
    return undefined;
  };
  const stat = await fs.stat(where).catch(() => undefined);
  if (stat === undefined) return undefined;
  if (!stat.isFile()) return warn('is not a file');
  if (stat.size > MAX_RESULT_BYTES) return warn(`is ${Math.round(stat.size / 1024)} kB, over the 1 MB results may be`);
  let value: unknown;
  try {
    value = JSON.parse(await fs.readFile(where, 'utf8'));
  } catch (error) {
    return warn(`is not JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return warn('holds no JSON mapping ({"name": value, ...})');
  return value as Record<string, unknown>;
}
