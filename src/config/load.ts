// Reads a configuration file into the Ensemble every other module trusts. Validation happens once, here, before
// anything is written: every problem in the file is collected (YAML, schema, batch defaults, template files) and
// thrown together as one ConfigError, each with file:line:col and key path, so a user fixes them in one pass.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Problem } from '../errors.js';
import { applyBatchConfig, buildRetry, buildSettings, checkRequiredKeys, checkUniqueNames } from './defaults.js';
import type { BatchDraft } from './defaults.js';
import { expandBatches } from './expand.js';
import type { RunSpec } from './types.js';
import { explainSchemaErrors } from './messages.js';
import { checkBatchFiles, resolveBatchDirs } from './paths.js';
import { isMapping, toPlain, valueAt } from './plain.js';
import type { PathSegment, PositionMap } from './positions.js';
import { validateConfig } from './validate.js';
import type { RawBatch } from './schema.js';
import { buildStarts } from './graph.js';
import { buildRules } from './rules.js';
import { checkTaskPaths } from './task-checks.js';
import { buildTaskSpecs } from './task-specs.js';
import type { Batch, BatchStart, Ensemble } from './types.js';
import { parseYaml11 } from './yaml11.js';

/** Options of loadEnsemble. */
export interface LoadOptions {
  /** The working directory: `file` and every batch's basedir resolve against it. */
  readonly cwd: string;
}

/** Reads, validates and resolves a configuration file; throws ConfigError (exit 2) listing every problem. */
export async function loadEnsemble(file: string, options: LoadOptions): Promise<Ensemble> {
  const cwd = path.resolve(options.cwd);
  const absolute = path.resolve(cwd, file);
  const show = (target: string): string => showPath(cwd, target);
  const read = parseYaml11(await readConfig(absolute, show(absolute)), show(absolute));
  if (read.problems.length > 0) throw new ConfigError('ERR_CONFIG_YAML', sortProblems(read.problems));
  if (read.value === undefined) {
    const where = { file: show(absolute), line: 1, col: 1 };
    throw new ConfigError('ERR_CONFIG_INVALID', [{ where, message: 'the file is empty; a configuration starts with "ensemble:" and lists its batches' }]);
  }
  // No file name, command or value can hold a NUL: refused wherever it is, with its place.
  const nuls = findNulStrings(read.value).map((path) => ({ where: read.positions.where(path), message: 'this text holds a NUL character (\\0), which no file name, command or value can hold' }));
  if (nuls.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', sortProblems(nuls));
  // The validator sees plain numbers and strings; the ensemble keeps the values as read.
  const plain = toPlain(read.value);
  const errors = await validateConfig(plain);
  const problems = explainSchemaErrors(errors, { positions: read.positions, document: read.value });
  // Never build an ensemble from data the schema refused, even if no message could be made for it.
  if (errors.length > 0 && problems.length === 0) problems.push({ where: { file: show(absolute) }, message: 'the file does not match the configuration schema' });
  const drafts = applyBatchConfig(plain, read.value);
  problems.push(...checkRequiredKeys(drafts, read.positions), ...checkUniqueNames(drafts, read.positions));
  const fileProblems = await Promise.all(
    drafts.map(async (draft) => {
      const { basedir, templatedir } = draft.plain;
      if (typeof basedir !== 'string' || typeof templatedir !== 'string') return [];
      return checkBatchFiles(draft, resolveBatchDirs(cwd, basedir, templatedir), read.positions, show);
    }),
  );
  problems.push(...fileProblems.flat());
  // The batch graph and the rules, once the names are known good (a repeated name is its own problem).
  const names = drafts.map((draft) => String(draft.plain.name));
  const graph = new Set(names).size === names.length ? buildStarts(drafts, read.positions) : { starts: [], problems: [] };
  const rules = buildRules(valueAt(plain, ['ensemble', 'rules']), names, read.positions);
  problems.push(...graph.problems, ...rules.problems);
  const vars = valueAt(read.value, ['ensemble', 'vars']);
  // Runs are made only from a file the schema accepted: sweeps and labels read its values as their types say.
  const context = { cwd, vars: isMapping(vars) ? vars : {}, positions: read.positions, configDir: path.dirname(absolute), show };
  const expanded = errors.length === 0 ? await expandBatches(drafts, context) : undefined;
  problems.push(...(expanded?.problems ?? []));
  if (problems.length > 0 || !expanded) throw new ConfigError('ERR_CONFIG_INVALID', sortProblems(problems));

  // From here the file is valid: the schema's types hold for the plain copy.
  const typed = valueAt(read.value, ['ensemble']) as Record<string, unknown>;
  const limit = (key: string): number | undefined => {
    const value = valueAt(plain, ['ensemble', key]);
    return typeof value === 'number' ? value : undefined;
  };
  const ensemble: Ensemble = {
    file: absolute,
    name: path.parse(absolute).name,
    cwd,
    vars: isMapping(vars) ? vars : {},
    preProcess: buildTaskSpecs(typed.pre_process, ['ensemble', 'pre_process'], read.positions),
    postProcess: buildTaskSpecs(typed.post_process, ['ensemble', 'post_process'], read.positions),
    batches: drafts.map((draft, i) => buildBatch(draft, cwd, read.positions, expanded.batches[i]!, graph.starts[i] as BatchStart)),
    maxjobs: limit('maxjobs'),
    maxruns: limit('maxruns'),
    rules: rules.rules,
  };
  const taskProblems = checkTaskPaths(ensemble);
  if (taskProblems.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', sortProblems(taskProblems));
  return ensemble;
}

/** A valid batch draft, with its runs and what starts it, as the engine's Batch. */
function buildBatch(draft: BatchDraft, cwd: string, positions: PositionMap, made: { runs: RunSpec[]; sweepCount: number }, start: BatchStart): Batch {
  // Valid, and checkRequiredKeys has seen the keys batch_config may give: templatedir, maxruns, maxjobs are set.
  const raw = draft.plain as RawBatch & Required<Pick<RawBatch, 'templatedir' | 'maxruns' | 'maxjobs'>>;
  const dirs = resolveBatchDirs(cwd, raw.basedir, raw.templatedir);
  const tasks = (key: string) => buildTaskSpecs(draft.typed[key], draft.keyPath(key), positions);
  return {
    index: draft.index,
    name: raw.name,
    templatedir: dirs.templatedir,
    templates: raw.templates ?? [],
    jobFile: raw.job_file,
    basedir: dirs.basedir,
    maxruns: raw.maxruns,
    maxjobs: raw.maxjobs,
    repeat: raw.repeat ?? false,
    settings: buildSettings(draft),
    preBatch: tasks('pre_batch'),
    preRun: tasks('pre_run'),
    postRun: tasks('post_run'),
    postBatch: tasks('post_batch'),
    runs: made.runs,
    sweepCount: made.sweepCount,
    retry: buildRetry(draft),
    executor: raw.executor,
    resultFile: raw.result_file ?? 'result.json',
    start,
    where: positions.where(draft.path),
  };
}

/** The largest configuration file read: far more than any written by hand (long run lists are a sweep's job). */
const MAX_CONFIG_BYTES = 32 * 1024 * 1024;

/** The file's text; a missing, unreadable, special or oversized file is a ConfigError naming it. */
async function readConfig(file: string, shown: string): Promise<string> {
  const refuse = (message: string): never => {
    throw new ConfigError('ERR_CONFIG_NOT_FOUND', [{ where: { file: shown }, message }]);
  };
  try {
    const stat = await fs.stat(file);
    // A device or a pipe (/dev/zero) would be read without end.
    if (stat.isFile() && stat.size > MAX_CONFIG_BYTES) refuse(`the file is ${Math.round(stat.size / 1024 / 1024)} MB; a configuration is at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB`);
    if (!stat.isFile() && !stat.isDirectory()) refuse('this is not a regular file; give the configuration file itself');
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'configuration file not found; check the path (it is relative to the working directory)'
        : code === 'EISDIR'
          ? 'this is a directory; give the configuration file inside it'
          : `cannot read the configuration file: ${(error as Error).message}`;
    throw new ConfigError('ERR_CONFIG_NOT_FOUND', [{ where: { file: shown }, message }], { cause: error });
  }
}

/** The paths of every key or string value holding a NUL character. */
function findNulStrings(value: unknown, path: PathSegment[] = [], found: PathSegment[][] = []): PathSegment[][] {
  if (typeof value === 'string') {
    if (value.includes('\0')) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findNulStrings(item, [...path, index], found));
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) found.push([...path, key]);
      findNulStrings(item, [...path, key], found);
    }
  }
  return found;
}

/** A path as messages show it: relative to the working directory when inside it. */
function showPath(cwd: string, target: string): string {
  const relative = path.relative(cwd, target);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : target;
}

/** Problems in the order of the file, each once (a sweep in batch_config may fail alike for every batch). */
function sortProblems(problems: readonly Problem[]): Problem[] {
  const order = (value: number | undefined): number => value ?? Number.MAX_SAFE_INTEGER;
  const unique = [...new Map(problems.map((problem) => [JSON.stringify([problem.where, problem.message]), problem])).values()];
  return unique.sort((a, b) => order(a.where.line) - order(b.where.line) || order(a.where.col) - order(b.where.col));
}
