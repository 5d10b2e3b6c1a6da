import { Duration } from '../src/core/duration';
import { ShipshapeError, describeValue, formatProblem, problem } from '../src/core/errors';
import { canonicalize, toJson, toYaml } from '../src/core/serialize';

describe('ShipshapeError', () => {
  test('carries code, path, property, got and expected, and lists every problem', () => {
    // GIVEN two problems
    const err = new ShipshapeError([
      problem('SS-A', 'app/api', 'port', 0, 'an integer from 1 to 65535'),
      problem('SS-B', 'app/prod', 'region', 'mars-1', 'a known AWS region'),
    ]);
    // THEN the first problem's fields are exposed and the message lists both
    expect(err.code).toBe('SS-A');
    expect(err.path).toBe('app/api');
    expect(err.property).toBe('port');
    expect(err.got).toBe('0');
    expect(err.expected).toBe('an integer from 1 to 65535');
    expect(err.message).toBe([
      'shipshape found 2 problems in the configuration:',
      '  - [app/api] port: must be an integer from 1 to 65535 (got 0) [SS-A]',
      "  - [app/prod] region: must be a known AWS region (got 'mars-1') [SS-B]",
    ].join('\n'));
  });

  test('its stack holds no frames from inside shipshape or node_modules', () => {
    const err = new ShipshapeError([problem('SS-A', 'p', 'x', 1, 'y')]);
    expect(err.stack).not.toMatch(/[\\/]src[\\/]core[\\/]errors/);
    expect(err.stack).not.toMatch(/node_modules/);
  });

  test('formats a hint after the problem', () => {
    expect(formatProblem(problem('SS-X', 'a/b', 'c', 'd', 'e', 'Do f.'))).toBe("[a/b] c: must be e (got 'd') [SS-X] Hint: Do f.");
  });

  test('describes values unambiguously', () => {
    expect(describeValue('x')).toBe("'x'");
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue('y'.repeat(200)).length).toBeLessThanOrEqual(122);
  });
});

describe('serializer', () => {
  test('puts head keys first, sorts the rest, keeps array order', () => {
    const out = canonicalize({ z: 1, b: [3, 1, 2], name: 'n', a: { y: 1, x: 2 } }, (p) => (p.length === 0 ? ['name'] : undefined));
    expect(JSON.stringify(out)).toBe('{"name":"n","a":{"x":2,"y":1},"b":[3,1,2],"z":1}');
  });

  test('drops undefined keys', () => {
    expect(canonicalize({ a: undefined, b: 1 })).toEqual({ b: 1 });
  });

  test('sorts keys by code point, not by locale', () => {
    expect(Object.keys(canonicalize({ b: 1, B: 2, a: 3, _: 4 }) as object)).toEqual(['B', '_', 'a', 'b']);
  });

  test('emits YAML with a header, no line wrapping and literal blocks for multi-line strings', () => {
    const long = 'x'.repeat(200);
    const text = toYaml({ run: 'echo a\necho b\n', long, on: { push: {} } }, { header: ['generated'] });
    expect(text).toBe(`# generated\nlong: ${long}\non:\n  push: {}\nrun: |\n  echo a\n  echo b\n`);
  });

  test('adds trailing comments where asked', () => {
    const text = toYaml({ uses: 'a/b@c' }, { trailingComment: (k, v) => (k === 'uses' ? `v1 of ${v}` : undefined) });
    expect(text).toBe('uses: a/b@c # v1 of a/b@c\n');
  });

  test('emits JSON with 2-space indent and a final newline', () => {
    expect(toJson({ b: 1, a: [2] })).toBe('{\n  "a": [\n    2\n  ],\n  "b": 1\n}\n');
  });
});

describe('Duration', () => {
  test('parses units and prints the shortest exact form', () => {
    expect(Duration.parse('90s').toSeconds()).toBe(90);
    expect(Duration.parse('5m').toString()).toBe('5m');
    expect(Duration.minutes(120).toString()).toBe('2h');
    expect(Duration.seconds(90).toString()).toBe('90s');
  });

  test('rejects a number without a unit', () => {
    expect(() => Duration.parse('30', 'app/x', 'interval')).toThrow("[app/x] interval: must be a whole number with a unit: 's', 'm', 'h' or 'd' (for example '30s') (got '30')");
  });
});
