// Mocha's spec reporter, which also writes the counts (and the titles of skipped tests) to the JSON file named by
// MODEL_ENSEMBLE_TEST_COUNTS, so CI can print one plain line of counts and refuse skipped tests.
const fs = require('node:fs');
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CiReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.MODEL_ENSEMBLE_TEST_COUNTS;
      if (!file) return;
      const { passes, failures, pending } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending, skipped }));
    });
  }
}

module.exports = CiReporter;
