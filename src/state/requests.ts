// Requests to a running orchestrator: only the lock holder writes the journal, so `rerun` and `cancel` leave a
// request file in the state directory, which the running process applies within a second.
import fs from 'node:fs/promises';
import path from 'node:path';

/** The folder of pending requests inside the state directory. */
export const REQUESTS_DIR = 'requests';

/** What a request asks for. */
export interface Request {
  readonly action: 'rerun' | 'cancel';
  /** Run ids; for `cancel`, empty means every run. */
  readonly runs: readonly string[];
  /** `rerun --failed`/`--cancelled`: every run that ended so, too. */
  readonly states?: ReadonlyArray<'failed' | 'cancelled'>;
}

/** Leaves a request for the running orchestrator; written whole (temporary file, then rename). */
export async function writeRequest(stateDir: string, request: Request): Promise<string> {
  const dir = path.join(stateDir, REQUESTS_DIR);
  await fs.mkdir(dir, { recursive: true });
  const name = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const file = path.join(dir, name);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(request), { flush: true });
  await fs.rename(`${file}.tmp`, file);
  return file;
}

/** Reads and removes the pending requests, oldest first. */
export async function takeRequests(stateDir: string): Promise<Request[]> {
  const dir = path.join(stateDir, REQUESTS_DIR);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const requests: Request[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    try {
      const request = JSON.parse(await fs.readFile(file, 'utf8')) as Request;
      if ((request.action === 'rerun' || request.action === 'cancel') && Array.isArray(request.runs)) requests.push(request);
    } catch {
      // A request that cannot be read is dropped: its writer was told to check status.
    }
    await fs.rm(file, { force: true });
  }
  return requests;
}
