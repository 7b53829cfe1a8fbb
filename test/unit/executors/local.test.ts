// What only the local executor does; what every executor does is checked by the executor contract suite
// (test/contract/executor-contract.ts, run by test/integration/executor-contract.test.ts).
import { expect } from 'chai';
import { LocalExecutor } from '../../../src/executors/local.js';
import { tempDirs } from '../../helpers/tmp.js';

describe('local executor', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('fails to submit a job whose file does not exist, naming it', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    let error: unknown;
    try {
      await executor.submit({ runId: 'r-0', attempt: 1, dir, script: 'missing.sh', tag: 't' });
    } catch (e) {
      error = e;
    }
    expect((error as { code: string }).code).to.equal('ERR_JOB_FILE');
    expect((error as Error).message).to.contain('missing.sh');
  });
});
