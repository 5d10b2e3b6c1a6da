/**
 * The catalogue of bad input (issue: guarantees). Every entry fails with one ShipshapeError whose full message
 * is asserted, and leaves the directory exactly as it was: nothing created, changed or deleted.
 */
import { BAD_INPUTS } from './catalogue-cases';
import { EXPECTED } from './catalogue-expected';
import { expectRejected } from './util';
import { formatProblem } from '../src/core/errors';

test('the catalogue has at least 60 cases, each with its expected message', () => {
  expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(60);
  expect(Object.keys(EXPECTED).sort()).toEqual(BAD_INPUTS.map((c) => c.name).sort());
});

test.each(BAD_INPUTS.map((c) => [c.name, c] as const))('%s', (name, c) => {
  const err = expectRejected(c.build, c.existing);
  const expected = EXPECTED[name];
  const head = expected.length === 1 ? 'shipshape found a problem in the configuration:' : `shipshape found ${expected.length} problems in the configuration:`;
  expect(err.problems.map(formatProblem)).toEqual(expected);
  expect(err.message).toBe([head, ...expected.map((l) => `  - ${l}`)].join('\n'));
  // Every problem names a construct (or factory) path, a property, the value given and what is allowed.
  for (const p of err.problems) {
    expect(p.path).not.toBe('');
    expect(p.property).not.toBe('');
    expect(p.got).not.toBe('');
    expect(p.expected).not.toBe('');
  }
});
