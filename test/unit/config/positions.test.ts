import { expect } from 'chai';
import { formatKeyPath, fromPointer, PositionMap, toPointer } from '../../../src/config/positions.js';

describe('config/positions', () => {
  it('shows key paths as users write them, without the ensemble prefix', () => {
    expect(formatKeyPath(['ensemble', 'batches', 2, 'maxjobs'])).to.equal('batches[2].maxjobs');
    expect(formatKeyPath(['ensemble', 'batches', '0', 'pre_run', '1', 'args', 'cmd'])).to.equal('batches[0].pre_run[1].args.cmd');
    expect(formatKeyPath(['ensemble', 'vars', 'a b'])).to.equal('vars["a b"]');
    expect(formatKeyPath(['ensembel'])).to.equal('ensembel');
    expect(formatKeyPath(['ensemble'])).to.equal('ensemble');
    expect(formatKeyPath([])).to.equal('');
  });

  it('turns data paths into JSON pointers and back, escaping / and ~', () => {
    const path = ['ensemble', 'vars', 'a/b~c'];
    expect(toPointer(path)).to.equal('/ensemble/vars/a~1b~0c');
    expect(fromPointer(toPointer(path))).to.deep.equal(path);
    expect(fromPointer('')).to.deep.equal([]);
  });

  it('places a value made by defaults at its nearest written ancestor', () => {
    const positions = new PositionMap('f.yaml');
    positions.set(['ensemble'], { value: { line: 2, col: 3 } });
    positions.set(['ensemble', 'batches', 0], { value: { line: 4, col: 7 } });
    expect(positions.where(['ensemble', 'batches', 0, 'retry', 'max'])).to.deep.equal({ file: 'f.yaml', line: 4, col: 7, key: 'batches[0].retry.max' });
  });

  it('gives a key\'s place when asked for it, else its value\'s', () => {
    const positions = new PositionMap('f.yaml');
    positions.set(['a'], { key: { line: 1, col: 1 }, value: { line: 1, col: 4 } });
    expect(positions.where(['a'], 'key')).to.include({ line: 1, col: 1 });
    expect(positions.where(['a'])).to.include({ line: 1, col: 4 });
  });
});
