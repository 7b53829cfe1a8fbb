import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { RunDirError, TemplateError } from '../../../src/errors.js';
import { materializeTree, scanTemplateTree, writeRendered } from '../../../src/template/copy.js';

interface Snapshot {
  readonly type: 'dir' | 'file' | 'symlink' | 'other';
  readonly mode: number;
  readonly target?: string;
  readonly content?: string;
  readonly mtimeMs?: number;
}

// Everything under `root` that a comparison cares about: type, permission bits, link target, content, file mtime.
async function snapshot(root: string): Promise<Map<string, Snapshot>> {
  const out = new Map<string, Snapshot>();
  async function walk(rel: string): Promise<void> {
    for (const name of (await fs.readdir(path.join(root, rel))).sort()) {
      const item = path.join(rel, name);
      const full = path.join(root, item);
      const stat = await fs.lstat(full);
      const mode = stat.mode & 0o7777;
      if (stat.isSymbolicLink()) out.set(item, { type: 'symlink', mode: 0, target: await fs.readlink(full) });
      else if (stat.isDirectory()) {
        out.set(item, { type: 'dir', mode });
        await walk(item);
      } else if (stat.isFile()) {
        out.set(item, { type: 'file', mode, content: await fs.readFile(full, 'utf8'), mtimeMs: stat.mtimeMs });
      } else out.set(item, { type: 'other', mode });
    }
  }
  await walk('');
  return out;
}

describe('run directories copied from a template directory', () => {
  let tmp: string;
  let src: string;

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'template-copy-'));
    src = path.join(tmp, 'template_job');
    await fs.mkdir(path.join(src, 'inputs', 'deep'), { recursive: true });
    await fs.writeFile(path.join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
    await fs.chmod(path.join(src, 'run.sh'), 0o755);
    await fs.writeFile(path.join(src, 'secret.cfg'), 'key\n');
    await fs.chmod(path.join(src, 'secret.cfg'), 0o600);
    await fs.writeFile(path.join(src, 'shared.txt'), 'all may write\n');
    await fs.chmod(path.join(src, 'shared.txt'), 0o666);
    await fs.writeFile(path.join(src, '.hidden'), 'dot\n');
    await fs.writeFile(path.join(src, 'inputs', 'deep', 'data.nml'), '&nml /\n');
    await fs.chmod(path.join(src, 'inputs'), 0o777);
    await fs.writeFile(path.join(src, 'slurm_run.sh.j2'), '#!/bin/bash\n{{ run.x }}\n');
    await fs.chmod(path.join(src, 'slurm_run.sh.j2'), 0o750);
    await fs.writeFile(path.join(src, 'inputs', 'params.j2'), '{{ run.y }}');
    await fs.symlink('inputs/deep/data.nml', path.join(src, 'relative-link'));
    await fs.symlink('../../run.sh', path.join(src, 'inputs', 'deep', 'up-link'));
    await fs.symlink('/etc/hostname', path.join(src, 'absolute-link'));
    await fs.symlink('does/not/exist', path.join(src, 'dangling-link'));
    await fs.symlink('inputs', path.join(src, 'dir-link'));
    execFileSync('mkfifo', [path.join(src, 'pipe')]);
    const old = new Date('2001-02-03T04:05:06Z');
    await fs.utimes(path.join(src, 'secret.cfg'), old, old);
  });

  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  const TEMPLATES = ['slurm_run.sh.j2', 'inputs/params.j2'];

  it('gives the same paths, modes, link targets, contents and file times as rsync -a, templates and FIFO left out', async () => {
    const viaRsync = path.join(tmp, 'rsync');
    await fs.mkdir(viaRsync);
    execFileSync('rsync', ['-a', ...TEMPLATES.map((t) => `--exclude=/${t}`), `${src}/`, `${viaRsync}/`]);
    const tree = await scanTemplateTree(src, { exclude: TEMPLATES });
    const ours = path.join(tmp, 'ours');
    await materializeTree(tree, ours);
    const expected = await snapshot(viaRsync);
    // rsync -a copies a FIFO (as -D); a run directory has no use for one, so we skip it and say so.
    expect(expected.get('pipe')?.type).to.equal('other');
    expected.delete('pipe');
    const copied = await snapshot(ours);
    // rsync sets times to the nanosecond, fs.utimes to about the microsecond.
    const withoutTimes = (all: Map<string, Snapshot>) =>
      Object.fromEntries([...all].map(([name, { mtimeMs: _, ...rest }]) => [name, rest]));
    expect(withoutTimes(copied)).to.deep.equal(withoutTimes(expected));
    for (const [name, entry] of expected) {
      if (entry.mtimeMs !== undefined) expect(copied.get(name)?.mtimeMs, name).to.be.closeTo(entry.mtimeMs, 0.01);
    }
    expect((await fs.stat(ours)).mode & 0o7777).to.equal((await fs.stat(viaRsync)).mode & 0o7777);
  });

  it('keeps modes exactly, whatever the umask: a 0755 script, a 0600 file, a 0666 file and a 0777 folder', async () => {
    const dest = path.join(tmp, 'run-1');
    await materializeTree(await scanTemplateTree(src, { exclude: TEMPLATES }), dest);
    const mode = async (rel: string) => (await fs.stat(path.join(dest, rel))).mode & 0o7777;
    expect(await mode('run.sh')).to.equal(0o755);
    expect(await mode('secret.cfg')).to.equal(0o600);
    expect(await mode('shared.txt')).to.equal(0o666);
    expect(await mode('inputs')).to.equal(0o777);
  });

  it('copies symlinks as links with their targets verbatim, relative, absolute and dangling alike', async () => {
    const dest = path.join(tmp, 'run-1');
    await materializeTree(await scanTemplateTree(src, { exclude: TEMPLATES }), dest);
    for (const link of ['relative-link', 'inputs/deep/up-link', 'absolute-link', 'dangling-link', 'dir-link']) {
      expect((await fs.lstat(path.join(dest, link))).isSymbolicLink(), link).to.equal(true);
      expect(await fs.readlink(path.join(dest, link))).to.equal(await fs.readlink(path.join(src, link)));
    }
    expect(await fs.readFile(path.join(dest, 'relative-link'), 'utf8')).to.equal('&nml /\n');
  });

  it('copies hidden files and nested folders, and keeps file modification times', async () => {
    const dest = path.join(tmp, 'run-1');
    await materializeTree(await scanTemplateTree(src, { exclude: TEMPLATES }), dest);
    expect(await fs.readFile(path.join(dest, '.hidden'), 'utf8')).to.equal('dot\n');
    expect(await fs.readFile(path.join(dest, 'inputs/deep/data.nml'), 'utf8')).to.equal('&nml /\n');
    expect((await fs.stat(path.join(dest, 'secret.cfg'))).mtime.toISOString()).to.equal('2001-02-03T04:05:06.000Z');
  });

  it('leaves out the templates and the FIFO, noting the FIFO and each template mode', async () => {
    const tree = await scanTemplateTree(src, { exclude: ['./slurm_run.sh.j2', 'inputs/params.j2'] });
    expect(tree.skipped).to.deep.equal([{ path: 'pipe', kind: 'fifo' }]);
    expect(Object.fromEntries(tree.templateModes)).to.deep.equal({ 'slurm_run.sh.j2': 0o750, 'inputs/params.j2': 0o644 });
    const dest = path.join(tmp, 'run-1');
    await materializeTree(tree, dest);
    const names = [...(await snapshot(dest)).keys()];
    expect(names).to.not.include('slurm_run.sh.j2');
    expect(names).to.not.include('inputs/params.j2');
    expect(names).to.not.include('pipe');
  });

  it('replays one reading of the tree into many run directories, creating missing parents', async () => {
    const tree = await scanTemplateTree(src, { exclude: TEMPLATES });
    const dests = [1, 2, 3].map((i) => path.join(tmp, 'base', 'deeper', `run-${i}`));
    for (const dest of dests) await materializeTree(tree, dest);
    const first = Object.fromEntries(await snapshot(dests[0]!));
    for (const dest of dests.slice(1)) expect(Object.fromEntries(await snapshot(dest))).to.deep.equal(first);
    expect(Object.keys(first)).to.include('inputs/deep/data.nml');
  });

  it('refuses a run directory that already exists and leaves it alone', async () => {
    const dest = path.join(tmp, 'run-1');
    await fs.mkdir(dest);
    await fs.writeFile(path.join(dest, 'keep'), 'mine');
    const error = await materializeTree(await scanTemplateTree(src, { exclude: TEMPLATES }), dest).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RunDirError);
    expect((error as RunDirError).code).to.equal('ERR_RUNDIR_EXISTS');
    expect(await fs.readdir(dest)).to.deep.equal(['keep']);
  });

  it('removes the run directory it made when the copy fails half way', async () => {
    const tree = await scanTemplateTree(src, { exclude: TEMPLATES });
    await fs.rm(path.join(src, 'inputs', 'deep', 'data.nml'));
    const dest = path.join(tmp, 'run-1');
    const error = await materializeTree(tree, dest).catch((e: unknown) => e);
    expect((error as TemplateError).code).to.equal('ERR_TEMPLATE_COPY');
    await fs.access(dest).then(
      () => expect.fail('the half-made directory is still there'),
      () => undefined,
    );
  });

  it('reports a template directory that does not exist', async () => {
    const error = await scanTemplateTree(path.join(tmp, 'nope'), { exclude: [] }).catch((e: unknown) => e);
    expect((error as TemplateError).code).to.equal('ERR_TEMPLATE_COPY');
  });

  it('writes a rendered template without .j2, in nested folders, with the template mode exactly', async () => {
    const dest = path.join(tmp, 'run-1');
    await fs.mkdir(dest);
    const written = await writeRendered(dest, 'scripts/new/slurm_run.sh.j2', '#!/bin/bash\n', 0o750);
    expect(written).to.equal(path.join(dest, 'scripts/new/slurm_run.sh'));
    expect(await fs.readFile(written, 'utf8')).to.equal('#!/bin/bash\n');
    expect((await fs.stat(written)).mode & 0o7777).to.equal(0o750);
    const open = await writeRendered(dest, 'open.txt.j2', 'x', 0o666);
    expect((await fs.stat(open)).mode & 0o7777).to.equal(0o666);
  });

  it('replaces an earlier rendered file on pickup, even a read-only one', async () => {
    const dest = path.join(tmp, 'run-1');
    await fs.mkdir(dest);
    await writeRendered(dest, 'inputfile.j2', 'first', 0o444);
    const written = await writeRendered(dest, 'inputfile.j2', 'second', 0o444);
    expect(await fs.readFile(written, 'utf8')).to.equal('second');
    expect((await fs.stat(written)).mode & 0o7777).to.equal(0o444);
  });

  it('refuses to write a template whose name does not end in .j2', async () => {
    const error = await writeRendered(tmp, 'inputfile', 'x', 0o644).catch((e: unknown) => e);
    expect((error as TemplateError).code).to.equal('ERR_TEMPLATE_NAME');
  });
});
