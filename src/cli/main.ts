#!/usr/bin/env node
// The `model_ensemble` executable.
import './heap.js';
import { exitWhenWritten, installCrashHandlers } from './exit.js';
import { main } from './program.js';

installCrashHandlers();
await exitWhenWritten(await main(process.argv.slice(2)));
