import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { JOB_TEMPLATE, writeFiles } from '../helpers/ensemble.js';
import { tempDirs } from '../helpers/tmp.js';

const CONFIG = `ensemble:
  batches:
    - name: alpha
      templatedir: ../tpl
      templates: [job.sh.j2]
      job_file: job.sh
      basedir: ./runs
      maxruns: 2
      maxjobs: 2
      runs:
        - {value: 1}
        - {value: 2, code: 4}
        - {value: 3, hold: true}
`;

/** Runs `script.mjs` with node in `dir`, where the package is installed as a user's project would have it. */
function runScript(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['script.mjs'], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A project folder with the package in node_modules, the ensemble, and `script` as script.mjs. */
async function project(dir: string, script: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
  await fs.symlink(ROOT, path.join(dir, 'node_modules', 'model_ensemble'));
  const job = JOB_TEMPLATE.replace('exit {{', '{% if run.hold | default(false) %}for i in $(seq 400); do [ -f ../../go ] && break; sleep 0.05; done{% endif %}\nexit {{');
  await writeFiles(dir, { 'c.yaml': CONFIG, 'bad.yaml': CONFIG.replace('maxjobs: 2', 'maxjobs: two'), 'tpl/job.sh.j2': job, 'script.mjs': script });
}

describe('the programmatic API (a script importing the package)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('validates, runs with events and reads the status as the command line does', async () => {
    const dir = await tmp.make();
    await project(
      dir,
      `import fs from 'node:fs';
import { ConfigError, readStatus, runEnsemble, validateEnsemble } from 'model_ensemble';
const ensemble = await validateEnsemble('c.yaml');
let bad;
try { await validateEnsemble('bad.yaml'); } catch (error) { bad = error instanceof ConfigError ? [error.code, error.problems.length] : String(error); }
fs.writeFileSync('go', '');
const events = [];
const outcome = await runEnsemble('c.yaml', { executor: 'local', pollIntervalMs: 200, onRunState: (record, entry) => events.push(record.id + ':' + entry.state) });
const status = await readStatus('c.yaml');
console.log(JSON.stringify({
  runs: ensemble.batches[0].runs.map((run) => run.id),
  bad,
  outcome: outcome.runs.map((run) => [run.id, run.state]),
  ended: events.filter((e) => /:(succeeded|failed)$/.test(e)).sort(),
  status: status.batches[0].runs.map((run) => [run.id, run.state, run.code ?? null]),
}));
`,
    );
    const result = await runScript(dir);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal({
      runs: ['alpha-0', 'alpha-1', 'alpha-2'],
      bad: ['ERR_CONFIG_INVALID', 1],
      outcome: [['alpha-0', 'succeeded'], ['alpha-1', 'failed'], ['alpha-2', 'succeeded']],
      ended: ['alpha-0:succeeded', 'alpha-1:failed', 'alpha-2:succeeded'],
      status: [['alpha-0', 'succeeded', null], ['alpha-1', 'failed', 'ERR_JOB_FAILED'], ['alpha-2', 'succeeded', null]],
    });
  });

  it('stops when its AbortSignal is aborted, leaving the rest for the next start', async () => {
    const dir = await tmp.make();
    await project(
      dir,
      `import fs from 'node:fs';
import { runEnsemble } from 'model_ensemble';
const stop = new AbortController();
const onRunState = (record, entry) => { if (record.id === 'alpha-2' && entry.state === 'queued') stop.abort(); };
const first = await runEnsemble('c.yaml', { executor: 'local', pollIntervalMs: 200, signal: stop.signal, onRunState });
fs.writeFileSync('go', '');
const second = await runEnsemble('c.yaml', { executor: 'local', pollIntervalMs: 200 });
console.log(JSON.stringify({ interrupted: first.interrupted, again: second.runs.map((run) => [run.id, run.state]) }));
`,
    );
    const result = await runScript(dir);
    expect(result.code, result.stderr).to.equal(0);
    const { interrupted, again } = JSON.parse(result.stdout) as { interrupted: boolean; again: string[][] };
    expect(interrupted).to.equal(true);
    expect(again).to.deep.include(['alpha-2', 'succeeded']);
    const starts = await fs.readFile(path.join(dir, 'runs/alpha-2/starts.txt'), 'utf8');
    expect(starts.trim().split('\n'), 'the job left running is followed, not started again').to.have.length(1);
  });
});
