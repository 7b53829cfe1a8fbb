// Writes a small ensemble (configuration and template directory) into a test folder.
import fs from 'node:fs/promises';
import path from 'node:path';

/** Writes `files` (path → content; a path ending in `+x` is made executable) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const executable = name.endsWith('+x');
    const file = path.join(dir, executable ? name.slice(0, -2) : name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content, { mode: executable ? 0o755 : 0o644 });
  }
}

/** A job template that writes what it was given and exits with `run.code` (0 unless a run sets it). */
export const JOB_TEMPLATE = `#!/bin/bash
#SBATCH --job-name={{ run.id }}
#SBATCH --time=5
echo "{{ run.id }} attempt {{ run.attempt }} value {{ run.value }}" >> starts.txt
echo "result {{ run.value }}" > output.txt
exit {{ run.code | default(0) }}
`;

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
