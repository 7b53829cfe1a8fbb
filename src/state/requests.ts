// Requests to a running orchestrator: only the lock holder writes the journal, so `rerun` and `cancel` leave a
// request file in the state directory, which the running process applies within a second.
import fs from 'node:fs/promises';
import path from 'node:path';
import { makePrivateDir, ownUid, PRIVATE_FILE_MODE } from './private.js';

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
  await makePrivateDir(dir);
  const name = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const file = path.join(dir, name);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(request), { flush: true, mode: PRIVATE_FILE_MODE });
  await fs.rename(`${file}.tmp`, file);
  return file;
}

/** A request file that is not applied: another user's, or not a regular file. It is left where it is. */
export interface RefusedRequest {
  readonly file: string;
  readonly why: string;
}

/** Why a request file may not be applied, or undefined when it is this user's own regular file. */
async function refusalOf(file: string): Promise<string | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (stat === undefined) return 'it is gone';
  if (!stat.isFile()) return stat.isSymbolicLink() ? 'it is a symbolic link, not a file' : 'it is not a regular file';
  if (stat.uid !== ownUid()) return `it belongs to user ${stat.uid}, not to the ensemble's owner (${ownUid()})`;
  return undefined;
}

/** The request files in `stateDir` that are not applied, and why. */
export async function findRefusedRequests(stateDir: string): Promise<RefusedRequest[]> {
  const dir = path.join(stateDir, REQUESTS_DIR);
  const refused: RefusedRequest[] = [];
  for (const name of (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort()) {
    const why = await refusalOf(path.join(dir, name));
    if (why !== undefined) refused.push({ file: path.join(dir, name), why });
  }
  return refused;
}

/**
 * Reads and removes the pending requests, oldest first. Only the owner's own regular files are applied: one that
 * another user wrote or that is a link is left in place and handed to `refuse` (each time; the caller says it once).
 */
export async function takeRequests(stateDir: string, refuse: (refused: RefusedRequest) => void = () => undefined): Promise<Request[]> {
  const dir = path.join(stateDir, REQUESTS_DIR);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const requests: Request[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    const why = await refusalOf(file);
    if (why !== undefined) {
      refuse({ file, why });
      continue;
    }
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
