// The package's version, read once from package.json (shipped beside dist/).
import fs from 'node:fs';

/** The version in package.json. */
export const VERSION: string = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
