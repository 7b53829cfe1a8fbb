import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { writeFiles } from '../helpers/ensemble.js';
import { tempDirs } from '../helpers/tmp.js';

const BIN = path.join(ROOT, 'dist/bin/model_ensemble.js');

/** Runs a shell pipeline in `dir` and returns its stdout. */
function sh(dir: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/bash', ['-o', 'pipefail', '-c', command], { cwd: dir, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

describe('output of the commands (CLI)', function () {
  this.timeout(120_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('arrives whole through a pipe, as to a file, however large: 10 MB of status --json and 60,000 lines of status', async () => {
    const dir = await tmp.make();
    const runs = Array.from({ length: 60_000 }, (_, i) => `        - {value: ${i}}`).join('\n');
    await writeFiles(dir, {
      'c.yaml': `ensemble:\n  batches:\n    - name: a\n      templatedir: ../tpl\n      basedir: ./runs\n      maxruns: 1\n      maxjobs: 1\n      job_file: job.sh\n      runs:\n${runs}\n`,
      'tpl/job.sh': 'true\n',
    });
    await sh(dir, `node ${BIN} status --json c.yaml > status.json`);
    const size = (await fs.stat(path.join(dir, 'status.json'))).size;
    expect(size).to.be.above(10_000_000);
    expect(Number(await sh(dir, `node ${BIN} status --json c.yaml | wc -c`))).to.equal(size);
    const report = JSON.parse(await fs.readFile(path.join(dir, 'status.json'), 'utf8')) as { batches: Array<{ runs: unknown[] }> };
    expect(report.batches[0]?.runs).to.have.length(60_000);
    expect(Number(await sh(dir, `node ${BIN} status c.yaml | wc -l`))).to.equal(60_006);
    await sh(dir, `node ${BIN} schema > schema.json`);
    expect(Number(await sh(dir, `node ${BIN} schema | wc -c`))).to.equal((await fs.stat(path.join(dir, 'schema.json'))).size);
  });
});
