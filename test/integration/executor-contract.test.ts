// The executor contract suite (test/contract/executor-contract.ts), run against every executor.
import { describeExecutorContract } from '../contract/executor-contract.js';
import { localFixture } from '../contract/local-fixture.js';
import { slurmFixture } from '../contract/slurm-fixture.js';

for (const fixture of [localFixture, slurmFixture]) describeExecutorContract(fixture);
