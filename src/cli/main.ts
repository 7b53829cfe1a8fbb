#!/usr/bin/env node
// The `model_ensemble` executable.
import './heap.js';
import { installCrashHandlers } from './exit.js';
import { main } from './program.js';

installCrashHandlers();
// Exit explicitly: local jobs left running after Ctrl-C must not keep this process alive.
process.exit(await main(process.argv.slice(2)));
