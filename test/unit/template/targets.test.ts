import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { TemplateError } from '../../../src/errors.js';
import { preparePathInside, scanTemplateTree, writeRendered } from '../../../src/template/copy.js';
import { withRenderTargets } from '../../../src/template/targets.js';
import { rejectionOf } from '../../helpers/rejection.js';
import { tempDirs } from '../../helpers/tmp.js';

describe('where rendered templates are written', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('drops from the copy a link that a template\'s rendered file replaces, and keeps other links', async () => {
    const dir = await tmp.make();
    await fs.writeFile(path.join(dir, 'out.txt.j2'), 'x');
    await fs.symlink('/etc/hostname', path.join(dir, 'out.txt'));
    await fs.symlink('/etc/hostname', path.join(dir, 'other'));
    const tree = withRenderTargets(await scanTemplateTree(dir, { exclude: ['out.txt.j2'] }), ['out.txt.j2']);
    expect(tree.entries.map((e) => e.path)).to.deep.equal(['other']);
  });

  it('refuses an output inside a linked folder, an output that is a folder, and a link named .model_ensemble', async () => {
    const dir = await tmp.make();
    await fs.mkdir(path.join(dir, 'real'));
    await fs.symlink(path.join(dir, 'real'), path.join(dir, 'inputs'));
    const tree = await scanTemplateTree(dir, { exclude: [] });
    expect(() => withRenderTargets(tree, ['inputs/p.nml.j2'])).to.throw(TemplateError, /inside the symbolic link inputs ->/);
    expect(() => withRenderTargets(tree, ['real.j2'])).to.throw(TemplateError, /which is a folder/);
    await fs.symlink('/tmp', path.join(dir, '.model_ensemble'));
    const withMeta = await scanTemplateTree(dir, { exclude: [] });
    expect(() => withRenderTargets(withMeta, [])).to.throw(TemplateError, /\.model_ensemble is not a folder/);
  });

  it('never writes through a link already in a run directory: a link in a folder\'s place is refused, one in the file\'s place replaced', async () => {
    const run = await tmp.make();
    const outside = await tmp.make('me-outside-');
    await fs.symlink(outside, path.join(run, 'inputs'));
    const error = await rejectionOf(writeRendered(run, 'inputs/p.nml.j2', 'x', 0o644), TemplateError);
    expect(error.message).to.contain('is a symbolic link');
    expect(await fs.readdir(outside)).to.deep.equal([]);
    await fs.writeFile(path.join(outside, 'x'), 'precious');
    await fs.symlink(path.join(outside, 'x'), path.join(run, 'out.txt'));
    await writeRendered(run, 'out.txt.j2', 'rendered', 0o644);
    expect(await fs.readFile(path.join(outside, 'x'), 'utf8')).to.equal('precious');
    expect(await fs.readFile(path.join(run, 'out.txt'), 'utf8')).to.equal('rendered');
    expect(preparePathInside(run, 'a/b/c.txt')).to.equal(path.join(run, 'a/b/c.txt'));
    expect((await fs.stat(path.join(run, 'a/b'))).isDirectory()).to.equal(true);
  });
});
