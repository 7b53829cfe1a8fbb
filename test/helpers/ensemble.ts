// The ensembles the integration tests run, each a configuration written by buildEnsembleYaml (ensemble-yaml.ts) and
// the template files it needs, as files to write into a test folder; and reading back the tree a run left.
import fs from 'node:fs/promises';
import path from 'node:path';
import { block, buildEnsembleYaml, raw, type BatchYaml, type YamlMapping, type YamlValue } from './ensemble-yaml.js';

/** Writes `files` (path → content; a path ending in `+x` is made executable) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const executable = name.endsWith('+x');
    const file = path.join(dir, executable ? name.slice(0, -2) : name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content, { mode: executable ? 0o755 : 0o644 });
  }
}

/** Lists every path under `dir` (relative, sorted), folders with a trailing slash. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) {
        out.push(`${rel}/`);
        await walk(rel);
      } else {
        out.push(rel);
      }
    }
  };
  await walk('');
  return out.sort();
}

/** An ensemble's files: path → content, for writeFiles. */
export type EnsembleFiles = Record<string, string>;

/** A job template that writes what it was given and exits with `run.code` (0 unless a run sets it). */
export const JOB_TEMPLATE = `#!/bin/bash
#SBATCH --job-name={{ run.id }}
#SBATCH --time=5
echo "{{ run.id }} attempt {{ run.attempt }} value {{ run.value }}" >> starts.txt
echo "result {{ run.value }}" > output.txt
exit {{ run.code | default(0) }}
`;

/**
 * `c.yaml`: one batch `alpha` of `runs` in ./runs, at most 2 at once, whose job (JOB_TEMPLATE) writes what it was
 * given, with input.txt rendered from `run.greeting` and `run.value` and a static file copied beside them. `batch`
 * adds or replaces batch keys (undefined removes one).
 */
export function alphaEnsemble(runs: readonly YamlValue[], batch: Partial<BatchYaml> = {}, vars: YamlMapping = { greeting: 'hello' }): EnsembleFiles {
  const alpha: BatchYaml = { name: 'alpha', templatedir: '../tpl', templates: ['job.sh.j2', 'input.txt.j2'], job_file: 'job.sh', basedir: './runs', maxruns: 2, maxjobs: 2, runs };
  return {
    'c.yaml': buildEnsembleYaml({ vars, batches: [{ ...alpha, ...batch }] }),
    'tpl/job.sh.j2': JOB_TEMPLATE,
    'tpl/input.txt.j2': '{{ run.greeting }} {{ run.value }}\n',
    'tpl/static/data.txt': 'data\n',
  };
}

/** The three runs holdingEnsemble runs unless told otherwise. */
const THREE_RUNS: readonly YamlValue[] = [{ value: 0 }, { value: 1 }, { value: 2 }];

/**
 * `c.yaml`: one batch `alpha` of `runs`, all at once, whose job appends `attempt N` to starts.txt (so a second start
 * of a job shows), waits for the file `go` in the ensemble folder when the run sets `hold: true`, and exits with
 * `run.code` on attempt 1; post_run appends to post.txt. `batch` adds or replaces batch keys.
 */
export function holdingEnsemble(runs: readonly YamlValue[] = THREE_RUNS, batch: Partial<BatchYaml> = {}): EnsembleFiles {
  const alpha: BatchYaml = {
    name: 'alpha',
    templatedir: '../tpl',
    templates: ['job.sh.j2'],
    job_file: 'job.sh',
    basedir: './runs',
    maxruns: 3,
    maxjobs: 3,
    post_run: [{ name: 'execute', args: { cmd: 'echo post >> post.txt' } }],
    runs,
  };
  return {
    'c.yaml': buildEnsembleYaml({ batches: [{ ...alpha, ...batch }] }),
    'tpl/job.sh.j2': `#!/bin/bash
echo "attempt {{ run.attempt }}" >> starts.txt
{% if run.hold | default(false) %}for i in $(seq 600); do [ -f ../../go ] && break; sleep 0.05; done{% endif %}
{% if run.attempt == 1 %}exit {{ run.code | default(0) }}{% endif %}
`,
  };
}

/** `count` runs of sanityEnsemble, written as model-ensembler's example writes them (`- custom_id: 1`), with `values`. */
export function sanityRuns(count: number, values: YamlMapping = {}): YamlValue[] {
  return Array.from({ length: count }, (_, i) => block({ custom_id: i + 1, ...values }));
}

/** A task list of `execute` tasks running `commands`. */
function executeAll(...commands: string[]): YamlMapping[] {
  return commands.map((cmd) => ({ name: 'execute', args: { cmd } }));
}

/**
 * `c.yaml` shaped like model-ensembler's sanity example: its vars, #SBATCH directives, tasks and keep files, one batch
 * `sanity_check` on the `long` partition. A run setting `slow: true` sleeps 90 s on its first attempt. `batch` adds
 * or replaces batch keys.
 */
export function sanityEnsemble(runs: readonly YamlValue[], batch: Partial<BatchYaml> = {}): EnsembleFiles {
  const sanity: BatchYaml = {
    name: 'sanity_check',
    templatedir: '../template_job',
    templates: ['slurm_run.sh.j2', 'inputfile.j2', 'pre_run.sh.j2'],
    job_file: 'slurm_run.sh',
    cluster: 'long',
    basedir: './sanity_check',
    email: 'test@example.org',
    nodes: 1,
    ntasks: 8,
    length: 14,
    maxruns: 3,
    maxjobs: 2,
    pre_batch: executeAll('mkdir -p datadir', 'touch pre_batch.keep'),
    // model-ensembler's spelling of true.
    pre_run: [{ name: 'execute', args: { cmd: './pre_run.sh', log: raw('True') } }, { name: 'check', args: { cmd: 'test -d ../datadir' } }, ...executeAll('touch pre_run.keep')],
    runs,
    post_run: executeAll('grep -q "Done with run number This is" slurm-*.out', 'touch post_run.keep'),
    post_batch: executeAll('rmdir datadir', 'touch post_batch.keep'),
  };
  const config = buildEnsembleYaml({ vars: block({ configuration: 'c.yaml' }), pre_process: [], post_process: [], batches: [{ ...sanity, ...batch }] }, { documentStart: true });
  return {
    'c.yaml': config,
    'template_job/slurm_run.sh.j2+x': `#!/bin/bash
#
# Output directory
#SBATCH --mail-type=begin,end,fail,requeue
#SBATCH --time={{ run.length }}
#SBATCH --job-name={{ run.name }}{{ run.custom_id }}
#SBATCH --nodes={{ run.nodes }}
#SBATCH --ntasks-per-node {{ run.ntasks }}
#SBATCH --ntasks-per-core 1
#SBATCH --mem=20gb
#SBATCH --partition={{ run.cluster }}
#SBATCH --account={{ run.cluster }}

echo "Initiating from {{ run.configuration }}"
cd {{ run.dir }}
echo "attempt {{ run.attempt }}" >> starts.txt
{% if run.attempt == 1 and run.slow | default(false) %}sleep 90{% endif %}
NUM="\`cat inputfile\`"
echo "Done with run number $NUM"
`,
    'template_job/inputfile.j2': 'This is {{ run.custom_id }}\n',
    'template_job/pre_run.sh.j2+x': '#!/usr/bin/env bash\necho "PRE PROCESSING: {{ run.cluster }} `cat inputfile`"\n',
  };
}
