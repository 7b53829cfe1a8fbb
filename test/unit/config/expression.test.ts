import { expect } from 'chai';
import { batchesOf, ExpressionError, holds, parseExpression } from '../../../src/config/expression.js';

const BATCHES = ['sim', 'sim.v2', 'prep'];

/** Whether `text` holds with the metrics `values` (`sim.succeeded` → number); missing ones have no value yet. */
function judge(text: string, values: Record<string, number>): boolean {
  return holds(parseExpression(text, BATCHES), (batch, name) => values[`${batch}.${name}`] ?? Number.NaN);
}

/** The error `text` is refused with. */
function refusal(text: string): ExpressionError {
  try {
    parseExpression(text, BATCHES);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('config/expression: conditions over metrics', () => {
  it('compares metrics and numbers, with and/or/not and parentheses, and precedence as written', () => {
    expect(judge('sim.succeeded >= 3', { 'sim.succeeded': 3 })).to.equal(true);
    expect(judge('sim.succeeded >= 3', { 'sim.succeeded': 2 })).to.equal(false);
    expect(judge('sim.failed > 1 or sim.succeeded == 2 and prep.done == 1', { 'sim.failed': 0, 'sim.succeeded': 2, 'prep.done': 1 })).to.equal(true);
    expect(judge('(sim.failed > 1 or sim.succeeded == 2) and prep.done == 1', { 'sim.failed': 0, 'sim.succeeded': 2, 'prep.done': 0 })).to.equal(false);
    expect(judge('not sim.failed > 0', { 'sim.failed': 0 })).to.equal(true);
    expect(judge('sim.done_fraction >= .5', { 'sim.done_fraction': 0.5 })).to.equal(true);
    expect(judge('sim.queue_wait.p90 < 1e3', { 'sim.queue_wait.p90': 999 })).to.equal(true);
  });

  it('makes every comparison with a metric that has no value yet false', () => {
    for (const op of ['<', '<=', '>', '>=', '==', '!=']) expect(judge(`sim.duration.mean ${op} 5`, {}), op).to.equal(false);
  });

  it('reads a batch whose name holds a dot by the longest name that fits', () => {
    const expr = parseExpression('sim.v2.failed > 0 and sim.failed > 0', BATCHES);
    expect([...batchesOf(expr)].sort()).to.deep.equal(['sim', 'sim.v2']);
  });

  it('refuses typos with the column and a did-you-mean, and anything that is not the grammar', () => {
    expect(refusal('sim.succeded >= 3')).to.include({ column: 5 }).and.have.property('message').that.contains('did you mean "succeeded"?');
    expect(refusal('simm.failed > 0').message).to.contain('"simm.failed" names no batch (did you mean "sim"?)');
    expect(refusal('sim.duration.avg > 3').message).to.contain('did you mean');
    expect(refusal('sim.failed >').message).to.equal('expected a number, a metric or "(", got the end');
    expect(refusal('sim.failed > 0 sim.failed').message).to.contain('expected "and", "or" or the end');
    expect(refusal('(sim.failed > 0').message).to.contain('")"');
    expect(refusal('process.exit(1)').message).to.contain('names no batch');
    expect(refusal('sim.failed > 0; rm -rf /')).to.include({ column: 15 });
  });
});
