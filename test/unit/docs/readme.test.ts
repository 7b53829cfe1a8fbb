import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ERROR_CODES } from '../../../src/errors.js';
import { ROOT } from '../../helpers/cli.js';

/** Every file under `dir` ending in `.ts`. */
async function sources(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

describe('README', () => {
  it('lists every error code of the error table, with the same meaning, and no other', async () => {
    const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(ERR_[A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).to.deep.equal(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.meaning]));
  });

  it('finds every error code the sources name in the error table', async () => {
    const codes = new Set<string>();
    for (const file of await sources(path.join(ROOT, 'src'))) {
      for (const match of (await fs.readFile(file, 'utf8')).matchAll(/'(ERR_[A-Z_]+)'/g)) codes.add(match[1] ?? '');
    }
    expect([...codes].filter((code) => !Object.hasOwn(ERROR_CODES, code))).to.deep.equal([]);
  });

  it('documents every option of the run command', async () => {
    const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
    const options = await fs.readFile(path.join(ROOT, 'src/cli/options.ts'), 'utf8');
    const flags = [...options.matchAll(/\.option\('(?:-\w, )?(--[a-z-]+)/g)].map((m) => m[1] ?? '');
    expect(flags.length).to.be.greaterThan(10);
    expect(flags.filter((flag) => !readme.includes(flag))).to.deep.equal([]);
  });
});
