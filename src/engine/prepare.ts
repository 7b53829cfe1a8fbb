// A run's directory: a copy of the template directory with the templates rendered into it. A fresh directory gets
// the whole tree; an existing one that is this ensemble's (pickup, resume, retry, the next cycle) gets its
// templates rendered again. An attempt's templates are rendered once, in memory: the same text gives the digest
// that notices changed inputs between starts and is what is written.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { RUN_META_DIR } from '../executors/types.js';
import { materializeTree, preparePathInside, writeRendered } from '../template/copy.js';
import { renderTemplate } from '../template/render.js';
import type { BatchPlan } from './plan.js';

/** Whether a path exists. In place: one metadata call costs less than a round trip through the thread pool. */
export function pathExists(file: string): boolean {
  // lstat, not stat: a dangling symlink is a path that exists.
  return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}

/** An attempt's templates rendered in memory, and a digest of the result. */
export interface RenderedInputs {
  readonly files: ReadonlyArray<{ readonly template: string; readonly text: string }>;
  /** A short digest of every template's name and text, to notice changed inputs between starts. */
  readonly digest: string;
}

/** Renders a run's templates in memory; throws TemplateError (undefined variable, render failure). */
export function renderInputs(plan: BatchPlan, context: Readonly<Record<string, unknown>>): RenderedInputs {
  const hash = createHash('sha1');
  const files = plan.batch.templates.map((template) => {
    const text = renderTemplate(plan.compiled, template, context);
    hash.update(template).update('\0').update(text).update('\0');
    return { template, text };
  });
  return { files, digest: hash.digest('hex').slice(0, 16) };
}

/**
 * Prepares `dir` for a run from inputs already rendered (so an undefined variable leaves no half-made directory):
 * copies the template tree when the directory does not exist yet, then writes the rendered files.
 */
export async function prepareRunDirectory(plan: BatchPlan, dir: string, inputs: RenderedInputs): Promise<void> {
  if (!pathExists(dir)) await materializeTree(plan.tree, dir);
  // The run's own files (task output, job markers) live here from the start; never through a link.
  const meta = preparePathInside(dir, RUN_META_DIR);
  if (!pathExists(meta)) mkdirSync(meta, 0o755);
  for (const { template, text } of inputs.files) {
    await writeRendered(dir, template, text, plan.compiled.modes.get(template) ?? 0o644);
  }
}
