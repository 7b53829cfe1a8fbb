// The state directory is its owner's alone. Project folders on HPC systems are often shared by a group and
// group-writable (setgid folders, `umask 002`); a journal or a request another member could write would let them
// command the ensemble, and once requests add runs rendered into job scripts, run code as its owner. So the state
// directory and what is in it are made private (folders 0700, files 0600) whatever the umask, and an existing one
// that another user owns, or that others can write, is refused rather than used.
import fs from 'node:fs/promises';
import { UsageError } from '../errors.js';

/** The mode of the state directory and of its folders. */
export const PRIVATE_DIR_MODE = 0o700;
/** The mode of every file in the state directory. */
export const PRIVATE_FILE_MODE = 0o600;

/** This process's user id (0 where the platform has none). */
export function ownUid(): number {
  return process.getuid?.() ?? 0;
}

/** Why `dir` may not hold an ensemble's state, or undefined when it is private to this user (or absent). */
export async function describeUnsafeDir(dir: string): Promise<string | undefined> {
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (stat === undefined) return undefined;
  if (stat.isSymbolicLink()) return `${dir} is a symbolic link; a state directory must be a folder of its own (remove the link, or give --state-dir)`;
  if (!stat.isDirectory()) return undefined;
  if (stat.uid !== ownUid()) return `${dir} belongs to user ${stat.uid}, not to you (${ownUid()}): an ensemble's state is its owner's alone; give a state directory of your own with --state-dir`;
  const mode = stat.mode & 0o777;
  if ((mode & 0o022) !== 0) {
    return `${dir} can be written by ${(mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${mode.toString(8)}): an ensemble's state is its owner's alone; make it private with \`chmod 700 ${dir}\``;
  }
  return undefined;
}

/** Makes `dir` (and missing parents) private to this user, or throws ERR_STATE_UNSAFE when an existing one is not. */
export async function makePrivateDir(dir: string): Promise<void> {
  const unsafe = await describeUnsafeDir(dir);
  if (unsafe !== undefined) throw new UsageError(unsafe, { code: 'ERR_STATE_UNSAFE' });
  // The mode is masked by the umask, which can only make it stricter.
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}
