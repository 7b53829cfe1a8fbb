// Resolves a batch's directories as model-ensembler does (it changes into `basedir`, relative to the working
// directory, and copies `templatedir` from there), and checks the template files before anything runs: a missing
// template or job file would otherwise fail every run of the batch, one by one, after the ensemble has started.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { BatchDraft } from './defaults.js';
import { formatKeyPath } from './positions.js';
import type { PositionMap } from './positions.js';

/** A batch's directories as absolute paths. */
export interface BatchDirs {
  /** `basedir` resolved against the working directory. */
  readonly basedir: string;
  /** `templatedir` resolved against the resolved basedir; an absolute templatedir stays as written. */
  readonly templatedir: string;
}

/** Resolves basedir against `cwd` and templatedir against basedir. */
export function resolveBatchDirs(cwd: string, basedir: string, templatedir: string): BatchDirs {
  const base = path.resolve(cwd, basedir);
  return { basedir: base, templatedir: path.resolve(base, templatedir) };
}

/** What a path is, or undefined if nothing is there. */
async function kindOf(file: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

/** Whether a relative path stays inside its directory. */
const staysInside = (relative: string): boolean => !path.isAbsolute(relative) && !path.normalize(relative).split(path.sep).includes('..');

/** Problems with a basedir: the top of the file system, or a place under a file, where no folder can be made. */
async function checkBasedir(basedir: string, where: Problem['where'], show: (file: string) => string): Promise<Problem[]> {
  if (basedir === path.parse(basedir).root) return [{ where, message: `basedir ${basedir} is the top of the file system: give a folder of its own for the run directories` }];
  // The nearest part of the path that exists must be a folder, or the run directories cannot be made.
  for (let dir = basedir; ; dir = path.dirname(dir)) {
    const kind = await kindOf(dir);
    if (kind === 'directory') return [];
    if (kind !== undefined) return [{ where, message: `basedir ${show(basedir)} cannot be made: ${show(dir)} is a file, not a folder` }];
    if (path.dirname(dir) === dir) return [];
  }
}

/**
 * Checks that templatedir is a directory holding every listed template, and that job_file is rendered from one of
 * them or found there. Each problem is placed at the key that names the missing thing. `show` shortens paths.
 */
export async function checkBatchFiles(draft: BatchDraft, dirs: BatchDirs, positions: PositionMap, show: (file: string) => string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const at = (key: string, ...rest: (string | number)[]) => positions.where([...draft.keyPath(key), ...rest]);
  // A value from batch_config resolves differently per batch: say which batch it failed for.
  const forBatch = (key: string): string => (draft.isShared(key) ? ` (for ${formatKeyPath(draft.path)})` : '');
  problems.push(...(await checkBasedir(dirs.basedir, at('basedir'), show)));
  const kind = await kindOf(dirs.templatedir);
  if (kind !== 'directory') {
    const what = kind === undefined ? 'does not exist' : 'is not a directory';
    problems.push({
      where: at('templatedir'),
      message: `template directory ${show(dirs.templatedir)} ${what}${forBatch('templatedir')}; templatedir is relative to basedir (${show(dirs.basedir)})`,
    });
    return problems;
  }
  const templates: unknown[] = Array.isArray(draft.plain.templates) ? draft.plain.templates : [];
  for (const [index, template] of templates.entries()) {
    // A name the schema refused already has its message.
    if (typeof template !== 'string' || !template.endsWith('.j2')) continue;
    if (!staysInside(template)) {
      problems.push({ where: at('templates', index), message: `template "${template}" must be a path inside templatedir${forBatch('templates')}` });
    } else if ((await kindOf(path.join(dirs.templatedir, template))) !== 'file') {
      problems.push({ where: at('templates', index), message: `template "${template}" is not a file in ${show(dirs.templatedir)}${forBatch('templates')}` });
    }
  }
  const jobFile = draft.plain.job_file;
  if (typeof jobFile === 'string') {
    const rendered = templates.some((template) => typeof template === 'string' && path.normalize(template.slice(0, -'.j2'.length)) === path.normalize(jobFile));
    if (!rendered && (await kindOf(path.resolve(dirs.templatedir, jobFile))) !== 'file') {
      problems.push({
        where: at('job_file'),
        message: `job file "${jobFile}" is neither rendered from a listed template (${jobFile}.j2) nor a file in ${show(dirs.templatedir)}${forBatch('job_file')}`,
      });
    }
  }
  return problems;
}
