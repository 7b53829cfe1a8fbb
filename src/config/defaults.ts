// `batch_config` gives every batch its keys as defaults, as model-ensembler applies it: a key the batch sets itself
// (even to an empty value) wins, and a batch's own task list replaces batch_config's rather than adding to it. Keys
// that may come from either place are required only once defaults are applied, so that check lives here.
import type { Problem } from '../errors.js';
import { isMapping, valueAt } from './plain.js';
import { formatKeyPath } from './positions.js';
import type { PathSegment, PositionMap } from './positions.js';
import { DEFAULT_RETRY_ON, SHARED_KEYS } from './keys.js';
import type { RawBatch } from './schema.js';
import type { RetryPolicy } from './types.js';

/** A batch with batch_config applied: its values, plain and as read, and where each key is written. */
export interface BatchDraft {
  /** Position in `batches`, from 0. */
  readonly index: number;
  /** The batch's data path: `['ensemble', 'batches', index]`. */
  readonly path: readonly PathSegment[];
  /** Values as validated (PyFloat as number). */
  readonly plain: Readonly<Record<string, unknown>>;
  /** Values as read (PyFloat, PyDate kept), for what templates and tasks see. */
  readonly typed: Readonly<Record<string, unknown>>;
  /** Where a key's value is written: in the batch itself, or in batch_config. */
  keyPath(key: string): PathSegment[];
  /** Whether the key's value comes from batch_config. */
  isShared(key: string): boolean;
}

/** Keys every batch needs that batch_config may supply. */
const REQUIRED_AFTER_DEFAULTS = ['templatedir', 'maxruns', 'maxjobs'] as const;

/** The batch keys templates see under `run.`, in model-ensembler's order (batcher.py puts them in the run context). */
const SETTINGS_KEYS = ['name', 'templatedir', 'basedir', 'templates', 'job_file', 'maxruns', 'maxjobs', 'repeat', 'cluster', 'email', 'nodes', 'ntasks', 'length'];

const own = (values: Readonly<Record<string, unknown>>, key: string): boolean => Object.hasOwn(values, key);

/** Applies batch_config to every batch that is a mapping; tolerates a file that failed the schema. */
export function applyBatchConfig(plain: unknown, typed: unknown): BatchDraft[] {
  const batches = valueAt(plain, ['ensemble', 'batches']);
  if (!Array.isArray(batches)) return [];
  const sharedPlain = valueAt(plain, ['ensemble', 'batch_config']);
  const sharedTyped = valueAt(typed, ['ensemble', 'batch_config']);
  const drafts: BatchDraft[] = [];
  batches.forEach((batch: unknown, index) => {
    const batchTyped = valueAt(typed, ['ensemble', 'batches', index]);
    if (!isMapping(batch) || !isMapping(batchTyped)) return;
    const mergedPlain: Record<string, unknown> = { ...batch };
    const mergedTyped: Record<string, unknown> = { ...batchTyped };
    const shared = new Set<string>();
    for (const key of SHARED_KEYS) {
      if (own(batch, key) || !isMapping(sharedPlain) || !own(sharedPlain, key)) continue;
      mergedPlain[key] = sharedPlain[key];
      mergedTyped[key] = isMapping(sharedTyped) ? sharedTyped[key] : sharedPlain[key];
      shared.add(key);
    }
    const path = ['ensemble', 'batches', index];
    drafts.push({
      index,
      path,
      plain: mergedPlain,
      typed: mergedTyped,
      keyPath: (key) => (shared.has(key) ? ['ensemble', 'batch_config', key] : [...path, key]),
      isShared: (key) => shared.has(key),
    });
  });
  return drafts;
}

/** A problem for each key a batch still lacks once batch_config is applied, at the batch's place. */
export function checkRequiredKeys(drafts: readonly BatchDraft[], positions: PositionMap): Problem[] {
  return drafts.flatMap((draft) =>
    REQUIRED_AFTER_DEFAULTS.filter((key) => !own(draft.plain, key)).map((key) => ({
      where: positions.where(draft.path),
      message: `required key "${key}" is missing; set it in this batch or in batch_config`,
    })),
  );
}

/** A problem for each batch whose name an earlier batch already has: run ids and directories are named after it. */
export function checkUniqueNames(drafts: readonly BatchDraft[], positions: PositionMap): Problem[] {
  const first = new Map<string, BatchDraft>();
  const problems: Problem[] = [];
  for (const draft of drafts) {
    const name = draft.plain.name;
    if (typeof name !== 'string') continue;
    const earlier = first.get(name);
    if (earlier) {
      problems.push({
        where: positions.where([...draft.path, 'name']),
        message: `batch name "${name}" is already used by ${formatKeyPath(earlier.path)}; batch names must be unique, as run ids and directories are named after them`,
      });
    } else {
      first.set(name, draft);
    }
  }
  return problems;
}

/** The batch's keys as templates see them under `run.`: only keys set in the batch or batch_config, so an unset one never hides a `vars` value of the same name. */
export function buildSettings(draft: BatchDraft): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SETTINGS_KEYS) if (own(draft.typed, key)) settings[key] = draft.typed[key];
  return settings;
}

/** The batch's retry policy: none by default; a `retry` without `on` retries the ends that are not the job's fault. */
export function buildRetry(draft: BatchDraft): RetryPolicy {
  const retry: RawBatch['retry'] = isMapping(draft.plain.retry) ? draft.plain.retry : {};
  return { max: retry?.max ?? 0, on: retry?.on ?? DEFAULT_RETRY_ON, backoff: retry?.backoff ?? 0 };
}
