// A folder of scheduler commands to put first on PATH: each logs its call and then runs the real command, unless a
// test replaces it to inject a fault. Real SLURM answers everything else (DESIGN.md: a fake only injects faults).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The scheduler commands the SLURM executor runs. */
export const SLURM_COMMANDS = ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel'] as const;
export type SlurmCommand = (typeof SLURM_COMMANDS)[number];

/** Pass-through commands in one folder, and what was called through them. */
export interface SlurmPath {
  /** Environment for the executor's commands: PATH with the folder first. */
  readonly env: { readonly PATH: string };
  /** The calls made so far (`squeue --me -h ...`), of one command or of all. */
  calls(command?: SlurmCommand): Promise<string[]>;
  /**
   * Replaces a command with a bash script body. The body sees `$REAL` (the real command), `$COUNT` (how many
   * calls of this command came before this one) and the call's arguments in `"$@"`.
   */
  inject(command: SlurmCommand, body: string): Promise<void>;
}

/** Where a program is on the current PATH. */
function locate(program: string): string {
  return execFileSync('bash', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();
}

/** Writes pass-through wrappers for every scheduler command into `dir`. */
export async function makeSlurmPath(dir: string): Promise<SlurmPath> {
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'calls.log');
  await fs.mkdir(bin, { recursive: true });
  await fs.writeFile(log, '');
  const real = new Map(SLURM_COMMANDS.map((command) => [command, locate(command)]));
  const write = async (command: SlurmCommand, body: string): Promise<void> => {
    const script = [
      '#!/bin/bash',
      `REAL=${real.get(command) ?? command}`,
      `COUNT=$(grep -c '^${command} ' ${log} || true)`,
      `printf '%s\\n' "${command} $*" >> ${log}`,
      body,
      '',
    ].join('\n');
    await fs.writeFile(path.join(bin, command), script, { mode: 0o755 });
  };
  await Promise.all(SLURM_COMMANDS.map((command) => write(command, 'exec "$REAL" "$@"')));
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    async calls(command) {
      const lines = (await fs.readFile(log, 'utf8')).split('\n').filter((line) => line !== '');
      return command === undefined ? lines : lines.filter((line) => line.startsWith(`${command} `));
    },
    inject: write,
  };
}
