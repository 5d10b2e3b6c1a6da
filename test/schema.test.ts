/**
 * Constructor props are parsed with recovery (src/core/schema.ts): every problem is recorded, and the construct goes
 * on with what remains valid, so one run reports the mistakes of every construct.
 */
import { z } from 'zod';
import { closest, knownKeysAt, parseRecovering } from '../src/core/schema';

const schema = z.strictObject({
  name: z.string().regex(/^[a-z]+$/),
  port: z.number().int().min(1).default(8080),
  tags: z.array(z.string().min(1)).default([]),
  domain: z.strictObject({ name: z.string(), zone: z.string().optional() }).optional(),
});

describe('parseRecovering', () => {
  test('valid input: the data, no problems', () => {
    expect(parseRecovering(schema, { name: 'api' }, 'p/api', 'SS-X')).toEqual({ data: { name: 'api', port: 8080, tags: [] }, problems: [] });
  });

  test('a bad optional value: recorded, and its default used', () => {
    const r = parseRecovering(schema, { name: 'api', port: -1 }, 'p/api', 'SS-X');
    expect(r.data).toEqual({ name: 'api', port: 8080, tags: [] });
    expect(r.problems.map((p) => [p.path, p.property, p.got])).toEqual([['p/api', 'port', '-1']]);
  });

  test('a bad list item and an unknown nested key: both recorded, both dropped', () => {
    const r = parseRecovering(schema, { name: 'api', tags: ['a', '', 'b'], domain: { name: 'x', zoen: 'z' } }, 'p/api', 'SS-X');
    expect(r.data).toEqual({ name: 'api', port: 8080, tags: ['a', 'b'], domain: { name: 'x' } });
    expect(r.problems.map((p) => p.property)).toEqual(['tags.1', 'domain.zoen']);
    expect(r.problems[1].expected).toBe("a known property (name, zone): did you mean 'zone'?");
  });

  test('a bad required value: the fallback when one is given, else nothing to build from', () => {
    expect(parseRecovering(schema, { name: 'API' }, 'p/api', 'SS-X', { name: 'api' }).data).toEqual({ name: 'api', port: 8080, tags: [] });
    const r = parseRecovering(schema, { name: 'API' }, 'p/api', 'SS-X');
    expect(r.data).toBeUndefined();
    expect(r.problems.map((p) => p.property)).toEqual(['name']);
  });

  test('a class instance on the path is never copied: no recovery through it', () => {
    class Props { public name = 'api'; public port = -1; }
    expect(parseRecovering(schema, new Props(), 'p/api', 'SS-X').data).toBeUndefined();
  });
});

test('knownKeysAt follows wrappers, unions, records and lists', () => {
  const s = z.strictObject({
    a: z.union([z.literal(false), z.strictObject({ x: z.number(), y: z.number() })]).default(false),
    b: z.record(z.string(), z.strictObject({ k: z.string() })).optional(),
    c: z.array(z.strictObject({ i: z.number() })),
  });
  expect(knownKeysAt(s, [])).toEqual(['a', 'b', 'c']);
  expect(knownKeysAt(s, ['a'])).toEqual(['x', 'y']);
  expect(knownKeysAt(s, ['b', 'any'])).toEqual(['k']);
  expect(knownKeysAt(s, ['c', 3])).toEqual(['i']);
  expect(knownKeysAt(s, ['nope'])).toEqual([]);
});

test('closest suggests a near key only', () => {
  expect(closest('prot', ['name', 'port'])).toBe('port');
  expect(closest('repositroy', ['repository', 'registry'])).toBe('repository');
  expect(closest('colour', ['name', 'port'])).toBeUndefined();
});
