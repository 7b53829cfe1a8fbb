// Run directories from a template directory, as model-ensembler makes them with `rsync -aXE templatedir/ rundir/`
// but without a process per run: the tree is read once per batch and replayed into each run directory (mkdir,
// copyFile, symlink), which costs well under a millisecond for a small tree. Modes and file modification times are
// kept, symlinks are copied as links with their targets verbatim (relative links stay relative, dangling ones
// stay dangling), and the listed templates are left out because their rendered output is written instead.
//
// Replaying a tree and writing rendered files use synchronous calls: each is a small metadata operation on one run
// directory, and an asynchronous call costs more than the operation itself (a round trip through libuv's thread
// pool: two thread wake-ups and an event-loop wake-up). Such round trips took 29% of the orchestrator's own CPU time
// in the local benchmark, a third of them made here (bench/RESULTS.md). Reading the tree, once per batch, stays
// asynchronous.
import fs from 'node:fs/promises';
import { constants, copyFileSync, chmodSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { RunDirError, TemplateError } from '../errors.js';

/** One entry of a template tree, listed after the directory that holds it. */
export type TreeEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number }
  | {
      readonly kind: 'file';
      readonly path: string;
      /** Absolute path of the file in the template directory. */
      readonly source: string;
      readonly mode: number;
      /** Access and modification times in seconds, to the microsecond (what fs.utimes can set). */
      readonly atime: number;
      readonly mtime: number;
    }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

/** An entry that is not copied: FIFOs, sockets and devices have no place in a run directory. */
export interface SkippedEntry {
  readonly path: string;
  readonly kind: 'fifo' | 'socket' | 'block device' | 'character device' | 'unknown';
}

/** A template directory read once, ready to be replayed into any number of run directories. */
export interface TemplateTree {
  /** Absolute path of the template directory. */
  readonly root: string;
  /** Permission bits of the template directory itself, which each run directory gets (as rsync gives them). */
  readonly rootMode: number;
  /** Paths are relative to `root`; every directory comes before its contents. */
  readonly entries: readonly TreeEntry[];
  readonly skipped: readonly SkippedEntry[];
  /** Permission bits of each excluded template found in the tree, by its path relative to `root`. */
  readonly templateModes: ReadonlyMap<string, number>;
}

const PERMISSIONS = 0o7777;

function skippedKind(stat: Stats): SkippedEntry['kind'] {
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isCharacterDevice()) return 'character device';
  return 'unknown';
}

function copyError(message: string, error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new TemplateError('ERR_TEMPLATE_COPY', `${message}: ${detail}`, { cause: error });
}

/** Reads a template directory once per batch; `exclude` lists the templates (paths relative to it) to leave out. */
export async function scanTemplateTree(
  templatedir: string,
  options: { readonly exclude: readonly string[] },
): Promise<TemplateTree> {
  const root = path.resolve(templatedir);
  const exclude = new Set(options.exclude.map((name) => path.normalize(name)));
  const entries: TreeEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const templateModes = new Map<string, number>();
  const scanLimit = pLimit(32);
  let rootStat: Stats;
  try {
    // The directory itself may be a symlink: `rsync templatedir/` follows it, and so do we.
    rootStat = await fs.stat(root);
  } catch (error) {
    throw copyError(`cannot read template directory ${root}`, error);
  }
  if (!rootStat.isDirectory()) {
    throw new TemplateError('ERR_TEMPLATE_COPY', `template directory ${root} is not a directory`);
  }

  async function walk(relDir: string): Promise<void> {
    const names = (await fs.readdir(path.join(root, relDir))).sort();
    // Bounded: a folder of thousands of files must not open thousands of requests at once.
    const stats = await Promise.all(names.map((name) => scanLimit(() => fs.lstat(path.join(root, relDir, name)))));
    for (const [i, name] of names.entries()) {
      const rel = path.join(relDir, name);
      const source = path.join(root, rel);
      const stat = stats[i]!;
      if (exclude.has(rel)) {
        // A template's rendered file takes the template's mode; through a symlink, the mode of what it points to.
        templateModes.set(rel, (stat.isSymbolicLink() ? await fs.stat(source) : stat).mode & PERMISSIONS);
      } else if (stat.isDirectory()) {
        entries.push({ kind: 'dir', path: rel, mode: stat.mode & PERMISSIONS });
        await walk(rel);
      } else if (stat.isFile()) {
        const [atime, mtime] = [stat.atimeMs / 1000, stat.mtimeMs / 1000];
        entries.push({ kind: 'file', path: rel, source, mode: stat.mode & PERMISSIONS, atime, mtime });
      } else if (stat.isSymbolicLink()) {
        entries.push({ kind: 'symlink', path: rel, target: await fs.readlink(source) });
      } else {
        skipped.push({ path: rel, kind: skippedKind(stat) });
      }
    }
  }

  try {
    await walk('');
  } catch (error) {
    throw copyError(`cannot read template directory ${root}`, error);
  }
  return { root, rootMode: rootStat.mode & PERMISSIONS, entries, skipped, templateModes };
}

/**
 * Creates `dest` (and its parents) and replays the tree into it. Fails with ERR_RUNDIR_EXISTS if `dest` exists:
 * whether to reuse a directory is the caller's decision. A failed copy removes the directory it created.
 */
export async function materializeTree(tree: TemplateTree, dest: string): Promise<void> {
  try {
    mkdirSync(path.dirname(dest), { recursive: true });
    mkdirSync(dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RunDirError(`run directory ${dest} already exists`, { cause: error });
    }
    throw copyError(`cannot create run directory ${dest}`, error);
  }
  try {
    // Parents come first in the list, so each mkdir finds its parent made.
    for (const entry of tree.entries) {
      const target = path.join(dest, entry.path);
      if (entry.kind === 'dir') {
        mkdirSync(target);
      } else if (entry.kind === 'file') {
        // copyFile gives the copy the source's permission bits exactly (libuv fchmods it), umask aside.
        copyFileSync(entry.source, target, constants.COPYFILE_EXCL);
        utimesSync(target, entry.atime, entry.mtime);
      } else {
        symlinkSync(entry.target, target);
      }
    }
    // Directory modes last, as rsync sets them: a read-only directory must still be filled first. mkdir's mode
    // would be reduced by the umask; chmod gives the template's bits exactly.
    for (const entry of tree.entries) if (entry.kind === 'dir') chmodSync(path.join(dest, entry.path), entry.mode);
    chmodSync(dest, tree.rootMode);
  } catch (error) {
    try {
      rmSync(dest, { recursive: true, force: true });
    } catch {
      // The copy's own failure is what the user needs to see.
    }
    throw copyError(`cannot copy template directory ${tree.root} to ${dest}`, error);
  }
}

/**
 * Makes the folders of `rel` under `dest` (which must exist) and returns the absolute path of `rel`, refusing to go
 * through a symbolic link: in a run directory made earlier (-p, a resume, the next cycle) a link may point anywhere,
 * and what the tool writes must stay inside the run directory. A link at `rel` itself is removed: the caller
 * writes a file in its place.
 */
export function preparePathInside(dest: string, rel: string): string {
  const parts = path.normalize(rel).split(path.sep);
  let current = dest;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    const last = i === parts.length - 1;
    if (stat?.isSymbolicLink()) {
      if (last) {
        unlinkSync(current);
        break;
      }
      throw new TemplateError('ERR_TEMPLATE_COPY', `${current} is a symbolic link (to ${readlinkSync(current)}): refusing to write ${rel} through it, outside the run directory`);
    }
    if (!last && stat === undefined) mkdirSync(current);
  }
  return current;
}

/**
 * Writes a rendered template to its path without `.j2` under `dest` (folders created as needed, never through a
 * symbolic link), with the template's permission bits, and returns the path written. An existing file is
 * replaced, as on pickup; so is a link in its place.
 */
export async function writeRendered(dest: string, template: string, text: string, mode: number): Promise<string> {
  if (!template.endsWith('.j2')) {
    throw new TemplateError('ERR_TEMPLATE_NAME', `template ${template} does not end in .j2`);
  }
  const file = path.join(dest, template.slice(0, -'.j2'.length));
  try {
    preparePathInside(dest, template.slice(0, -'.j2'.length));
    try {
      writeFileSync(file, text);
    } catch (error) {
      // A read-only file from an earlier render (a template with mode 0444) is made writable for the new one.
      if ((error as NodeJS.ErrnoException).code !== 'EACCES') throw error;
      chmodSync(file, 0o600);
      writeFileSync(file, text);
    }
    chmodSync(file, mode & PERMISSIONS);
  } catch (error) {
    throw copyError(`cannot write rendered template ${file}`, error);
  }
  return file;
}
