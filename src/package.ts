// Where the package is installed: the folder of its package.json, found from this module's own place. The files the
// package ships beside its code (package.json, templates/, what the build generates in dist/) are found from here,
// so the code runs the same from the sources, from dist/ and bundled into dist/bin/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's folder and its package.json, from the nearest package.json above `from` that is this package's. */
function findPackage(from: string): { root: string; version: string } {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'model_ensemble') return { root: dir, version: String(manifest.version) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (path.dirname(dir) === dir) throw new Error(`model_ensemble: no package.json of model_ensemble above ${from}`);
  }
}

const found = findPackage(fileURLToPath(import.meta.url));

/** The package's folder (holding package.json, templates/ and dist/). */
export const PACKAGE_ROOT: string = found.root;

/** The version in package.json. */
export const VERSION: string = found.version;

/** Whether this code runs from the TypeScript sources (the tests), where nothing the build generates is used. */
export const FROM_SOURCES: boolean = import.meta.url.endsWith('.ts');
