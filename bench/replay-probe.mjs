// Times one journal replay in a fresh process, as a restart or `model_ensemble status` does it: read the file and
// rebuild every run's record. Prints `<milliseconds> <entries> <runs>`. Usage: node replay-probe.mjs <dist> <journal>
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, journal] = process.argv.slice(2);
const { readJournal, replayEntries } = await import(pathToFileURL(path.join(dist, 'state', 'replay.js')).href);
const started = performance.now();
const contents = await readJournal(journal);
const state = replayEntries(contents.entries);
const ms = performance.now() - started;
process.stdout.write(`${ms.toFixed(1)} ${contents.entries.length} ${state.runs.size}\n`);
