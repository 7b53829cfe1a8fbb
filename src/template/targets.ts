// Where rendered templates are written, checked against the template tree before any run directory is made, so that
// nothing is ever written through a symbolic link out of a run directory: a link in the tree where a template's
// output goes is replaced by the rendered file, and a template whose output lies inside a linked folder, or a link
// in the tool's own folder's place, is refused (the link would be shared by every run, and point anywhere).
import path from 'node:path';
import { TemplateError } from '../errors.js';
import type { TemplateTree, TreeEntry } from './copy.js';

/** The tool's own folder in each run directory (executors/types.ts RUN_META_DIR). */
const META_DIR = '.model_ensemble';

/** The path a template renders to: its own without `.j2`, normalised. */
export function outputOf(template: string): string {
  return path.normalize(template.slice(0, -'.j2'.length));
}

/**
 * The tree to copy for templates `templates`: the same tree without the links that their rendered files replace.
 * Throws TemplateError (exit 2) for an output inside a linked folder, an output where the tree has a folder, or a
 * link in the place of the tool's own folder.
 */
export function withRenderTargets(tree: TemplateTree, templates: readonly string[]): TemplateTree {
  const byPath = new Map<string, TreeEntry>(tree.entries.map((entry) => [path.normalize(entry.path), entry]));
  const linkTo = (entry: TreeEntry | undefined): string | undefined => (entry?.kind === 'symlink' ? entry.target : undefined);
  const meta = byPath.get(META_DIR);
  if (meta !== undefined && meta.kind !== 'dir') {
    throw new TemplateError('ERR_TEMPLATE_NAME', `${path.join(tree.root, META_DIR)} is not a folder: model_ensemble keeps each run's own files in ${META_DIR}/; rename it in the template directory`);
  }
  const replaced = new Set<string>();
  for (const template of templates) {
    const output = outputOf(template);
    const parts = output.split(path.sep);
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join(path.sep);
      const target = linkTo(byPath.get(folder));
      if (target !== undefined) {
        throw new TemplateError(
          'ERR_TEMPLATE_NAME',
          `template ${template} renders to ${output}, inside the symbolic link ${folder} -> ${target}: the file would be written outside the run directory, the same for every run; make ${folder} a folder in the template directory`,
        );
      }
    }
    const entry = byPath.get(output);
    if (entry?.kind === 'dir') throw new TemplateError('ERR_TEMPLATE_NAME', `template ${template} renders to ${output}, which is a folder in the template directory`);
    if (entry?.kind === 'symlink') replaced.add(path.normalize(entry.path));
  }
  if (replaced.size === 0) return tree;
  return { ...tree, entries: tree.entries.filter((entry) => !replaced.has(path.normalize(entry.path))) };
}
