// Finding a program as a shell would: a name with a `/` is a path (relative to the working directory), any other
// name is looked for in the PATH folders. Used to refuse up front what would otherwise fail every run one by one.
import fs from 'node:fs';
import path from 'node:path';

/** Whether `file` is a regular file this process may execute. */
function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where `program` is, or undefined when it cannot be run from here. */
export function findProgram(program: string, searchPath = process.env.PATH ?? ''): string | undefined {
  if (program === '') return undefined;
  if (program.includes('/')) return isExecutable(program) ? path.resolve(program) : undefined;
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir !== '' && isExecutable(path.join(dir, program))) return path.join(dir, program);
  }
  return undefined;
}
