// Fresh temporary folders for tests, removed afterwards.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Makes a fresh folder; `cleanup` removes every folder made so far. */
export function tempDirs(): { make(prefix?: string): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make(prefix = 'me-test-') {
      const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
    },
  };
}

