// A run's directory: a copy of the template directory with the templates rendered into it. A fresh directory gets
// the whole tree; an existing one that is this ensemble's (pickup, resume, retry, the next cycle) gets its
// templates rendered again.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { RUN_META_DIR } from '../executors/wrapper.js';
import { TemplateError } from '../errors.js';
import { materializeTree, writeRendered } from '../template/copy.js';
import { renderTemplate } from '../template/render.js';
import type { BatchPlan } from './plan.js';

/** Whether a path exists. In place: one metadata call costs less than a round trip through the thread pool. */
export function pathExists(file: string): boolean {
  // lstat, not stat: a dangling symlink is a path that exists.
  return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}

/**
 * Prepares `dir` for a run and returns a digest of its rendered inputs. `reuse` allows an existing directory;
 * without it an existing directory is an error (ERR_RUNDIR_EXISTS).
 */
export async function prepareRunDirectory(
  plan: BatchPlan,
  dir: string,
  context: Readonly<Record<string, unknown>>,
  reuse: boolean,
): Promise<string> {
  const exists = pathExists(dir);
  if (exists && !reuse) {
    throw new TemplateError('ERR_RUNDIR_EXISTS', `run directory ${dir} already exists (use -p/--pickup to render into it)`);
  }
  // Render everything before writing anything, so an undefined variable leaves no half-made directory.
  const { rendered, digest } = renderInputs(plan, context);
  if (!exists) await materializeTree(plan.tree, dir);
  // The run's own files (task output, job wrappers) live here from the start.
  mkdirSync(path.join(dir, RUN_META_DIR), { recursive: true });
  for (const { template, text } of rendered) {
    await writeRendered(dir, template, text, plan.compiled.modes.get(template) ?? 0o644);
  }
  return digest;
}

/** Renders a run's templates in memory, with a digest of the result (to notice changed inputs). */
export function renderInputs(
  plan: BatchPlan,
  context: Readonly<Record<string, unknown>>,
): { rendered: Array<{ template: string; text: string }>; digest: string } {
  const hash = createHash('sha1');
  const rendered = plan.batch.templates.map((template) => {
    const text = renderTemplate(plan.compiled, template, context);
    hash.update(template).update('\0').update(text).update('\0');
    return { template, text };
  });
  return { rendered, digest: hash.digest('hex').slice(0, 16) };
}
