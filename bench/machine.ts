// What the figures were measured on: they mean little without the machine, the versions and the date.
import { spawnSync } from 'node:child_process';
import os from 'node:os';

/** The first line a command prints, or undefined when it cannot run. */
function firstLine(file: string, args: readonly string[]): string | undefined {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return undefined;
  return result.stdout.split('\n')[0]?.trim() || undefined;
}

/** The machine and the versions, as lines for RESULTS.md. */
export function describeMachine(): string[] {
  const cpus = os.cpus();
  const memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  const lines = [
    `date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${memory} memory, ${os.type()} ${os.release()}`,
    `node: ${process.version}; ${firstLine('bash', ['--version']) ?? 'bash: unknown'}`,
    `load average at start: ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`,
  ];
  const parallel = firstLine('parallel', ['--version']);
  lines.push(`GNU parallel: ${parallel ?? 'not installed'}`);
  const slurm = firstLine('sbatch', ['--version']);
  lines.push(`SLURM: ${slurm ?? 'not installed'}`);
  return lines;
}
