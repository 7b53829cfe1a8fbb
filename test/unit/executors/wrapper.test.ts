import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { attemptFiles, parseExitCode, parseShebang, parseStartMarker } from '../../../src/executors/job-files.js';
import { buildJobWrapper, extractDirectiveBlock, quoteShell } from '../../../src/executors/wrapper.js';
import { tempDirs } from '../../helpers/tmp.js';

describe('job wrapper', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('reads the interpreter of a #! line as Linux does', () => {
    expect(parseShebang('#!/bin/bash\necho')).to.deep.equal(['/bin/bash']);
    expect(parseShebang('#! /usr/bin/env python3 -u\n')).to.deep.equal(['/usr/bin/env', 'python3 -u']);
    expect(parseShebang('echo hi\n')).to.equal(undefined);
    expect(parseShebang('#!\n')).to.equal(undefined);
  });

  it('copies the comment block sbatch reads directives from, and stops at the first command', () => {
    const text = '#!/bin/bash\n#\n# Output\n#SBATCH --time=14\n\n#SBATCH --job-name=x\necho hi\n#SBATCH --mem=1\n';
    expect(extractDirectiveBlock(text)).to.deep.equal(['#', '# Output', '#SBATCH --time=14', '', '#SBATCH --job-name=x']);
  });

  it('quotes words for bash, single quotes included', () => {
    expect(quoteShell("it's")).to.equal(`'it'\\''s'`);
  });

  it('reads an exit-code file and refuses anything else', () => {
    expect(parseExitCode('0\n')).to.equal(0);
    expect(parseExitCode('137\n')).to.equal(137);
    expect(parseExitCode('')).to.equal(undefined);
    expect(parseExitCode('abc')).to.equal(undefined);
  });

  it('runs the job file with its own interpreter and records its exit code and start', async () => {
    const dir = await tmp.make();
    await fs.writeFile(path.join(dir, 'job.sh'), '#!/bin/sh\n#SBATCH --time=1\necho "ran in $PWD"\nexit 3\n');
    const text = buildJobWrapper({ dir, script: 'job.sh', scriptText: await fs.readFile(path.join(dir, 'job.sh'), 'utf8'), attempt: 2, tag: 'ens:r-0:c1:a2', shell: '/bin/bash' });
    expect(text.split('\n').slice(0, 2)).to.deep.equal(['#!/bin/bash', '#SBATCH --time=1']);
    const files = attemptFiles(dir, 2);
    await fs.mkdir(path.dirname(files.wrapper), { recursive: true });
    await fs.writeFile(files.wrapper, text);
    let status = 0;
    try {
      execFileSync('/bin/bash', [files.wrapper], { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).to.equal(3);
    expect(await fs.readFile(files.exitCode, 'utf8')).to.equal('3\n');
    expect(parseStartMarker(await fs.readFile(files.started, 'utf8'), 'ens:r-0:c1:a2')).to.include({ schedulerId: undefined });
    expect(parseStartMarker(await fs.readFile(files.started, 'utf8'), 'ens:r-0:c2:a2'), 'another attempt\'s tag').to.equal(undefined);
  });

  it('runs a job file without a #! line with the configured shell, even when it is not executable', async () => {
    const dir = await tmp.make();
    await fs.writeFile(path.join(dir, 'my job.sh'), 'echo ok > out.txt\n', { mode: 0o644 });
    const files = attemptFiles(dir, 1);
    await fs.mkdir(path.dirname(files.wrapper), { recursive: true });
    await fs.writeFile(files.wrapper, buildJobWrapper({ dir, script: 'my job.sh', scriptText: 'echo ok > out.txt\n', attempt: 1, tag: 't', shell: '/bin/sh' }));
    execFileSync('/bin/bash', [files.wrapper], { cwd: dir });
    expect(await fs.readFile(path.join(dir, 'out.txt'), 'utf8')).to.equal('ok\n');
    expect(await fs.readFile(files.exitCode, 'utf8')).to.equal('0\n');
  });
});
