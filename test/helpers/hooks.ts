// Root hooks for every test run (.mocharc.json requires this file). Mocha exits by itself when the tests end, so a
// process a failed test left running would keep it waiting: whatever is left is stopped here, and named.
import { stopClis } from './cli.js';

export const mochaHooks = {
  /** Stops the commands still running when every test has ended. */
  async afterAll(): Promise<void> {
    const left = await stopClis();
    for (const command of left) console.error(`stopped a command a test left running: ${command}`);
  },
};
