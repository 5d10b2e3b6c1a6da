import { z } from 'zod';
import { Problem, ShipshapeError, describeValue } from './errors';

/**
 * Parse construct props with a zod schema. On failure, every zod issue becomes
 * a {@link Problem} naming the construct path and the property, and they are
 * thrown together as one {@link ShipshapeError}.
 */
export function parseProps<T>(schema: z.ZodType<T>, input: unknown, path: string, codePrefix: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ShipshapeError(zodProblems(result.error, input, path, codePrefix, schema));
}

/** Turn zod's issues into shipshape problems. */
export function zodProblems(error: z.ZodError, input: unknown, path: string, codePrefix: string, schema?: z.ZodType): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, named by the key itself.
      return issue.keys.map((key) => {
        const at = [...issue.path, key] as PropertyKey[];
        const known = schema ? knownKeysAt(schema, issue.path as PropertyKey[]) : [];
        const near = closest(key, known);
        return {
          code: `${codePrefix}-${String(at[0]).toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`,
          path,
          property: at.map(String).join('.'),
          got: describeValue(valueAt(input, at)),
          expected: known.length > 0
            ? `a known property (${known.join(', ')})${near ? `: did you mean '${near}'?` : ''}`
            : `a known property (${key} is not one; check its spelling)`,
        };
      });
    }
    const property = issue.path.length > 0 ? issue.path.map(String).join('.') : '(props)';
    // For a record key that fails its schema, the key itself is what the user got wrong.
    const got = issue.code === 'invalid_key' ? issue.path[issue.path.length - 1] : valueAt(input, issue.path as PropertyKey[]);
    const firstKey = issue.path[0] !== undefined ? String(issue.path[0]).toUpperCase().replace(/[^A-Z0-9]+/g, '-') : 'PROPS';
    return [{
      code: `${codePrefix}-${firstKey}`,
      path,
      property,
      got: describeValue(got),
      expected: expectedFromIssue(issue),
    }];
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** zod's own messages start like this; anything else is a message a schema author wrote for users. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized)/;

function expectedFromIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys' && issue.message && !ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : `of type ${issue.expected}`;
    case 'invalid_key':
      return issue.issues.map((i) => expectedFromIssue(i)).join('; ');
    case 'too_small':
      return issue.origin === 'string' ? `at least ${issue.minimum} characters long` : issue.origin === 'array' ? `a list of at least ${issue.minimum} items` : `${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string' ? `at most ${issue.maximum} characters long` : issue.origin === 'array' ? `a list of at most ${issue.maximum} items` : `${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => describeValue(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `free of unknown keys (unknown: ${issue.keys.join(', ')})`;
    case 'invalid_format':
    case 'custom':
    default:
      return issue.message;
  }
}

/**
 * Parse construct props, recovering what can be recovered: on failure, every zod issue becomes a {@link Problem}, and
 * the input is parsed again without the values that failed (so their defaults apply, or `fallbacks` for required
 * top-level properties). `data` is the recovered props, or undefined when nothing valid could be made of the input.
 * A construct records the problems and goes on, so one run reports the mistakes of every construct together.
 */
export function parseRecovering<T>(
  schema: z.ZodType<T>, input: unknown, path: string, codePrefix: string, fallbacks: Readonly<Record<string, unknown>> = {},
): { readonly data?: T; readonly problems: Problem[] } {
  const first = schema.safeParse(input);
  if (first.success) return { data: first.data, problems: [] };
  const problems = zodProblems(first.error, input, path, codePrefix, schema);
  let current = input;
  let error = first.error;
  // First the exact values that failed, then their whole top-level properties: a list with one bad item, a superRefine
  // over two properties.
  for (const depth of [Infinity, 1]) {
    const paths = error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => [...issue.path, k])
      : [issue.path]));
    if (paths.some((p) => p.length === 0)) return { problems };
    let next: unknown = current;
    for (const p of paths) next = without(next, p.slice(0, depth), fallbacks);
    if (next === undefined) return { problems };
    const again = schema.safeParse(next);
    if (again.success) return { data: again.data, problems };
    current = next;
    error = again.error;
  }
  return { problems };
}

/**
 * `input` without the value at `path` (a copy along the path; arrays lose the item), or the fallback for a removed
 * top-level property. Undefined when a container on the path is not plain data (a class instance is never copied).
 */
function without(input: unknown, path: readonly PropertyKey[], fallbacks: Readonly<Record<string, unknown>>): unknown {
  if (input === undefined || path.length === 0) return input;
  const [key, ...rest] = path;
  if (Array.isArray(input)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= input.length) return input;
    if (rest.length === 0) return [...input.slice(0, i), ...input.slice(i + 1)];
    const inner = without(input[i], rest, {});
    return inner === undefined ? undefined : [...input.slice(0, i), inner, ...input.slice(i + 1)];
  }
  if (input === null || typeof input !== 'object' || !isPlain(input)) return undefined;
  const copy: Record<PropertyKey, unknown> = { ...(input as Record<PropertyKey, unknown>) };
  if (rest.length === 0) {
    if (typeof key === 'string' && key in fallbacks && fallbacks[key] !== (input as Record<string, unknown>)[key]) copy[key] = fallbacks[key];
    else delete copy[key];
    return copy;
  }
  if (!(key in copy)) return copy;
  const inner = without(copy[key], rest, {});
  if (inner === undefined) return undefined;
  copy[key] = inner;
  return copy;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Wrappers that do not change which keys an object takes. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The keys of the object schemas that can hold the value at `path` (several through a union). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const visit = (s: z.ZodType, rest: readonly PropertyKey[], seen: number): void => {
    if (seen > 50) return;
    const def = (s as unknown as { def: Record<string, unknown> & { type: string } }).def;
    if (WRAPPERS.has(def.type)) return visit(def.innerType as z.ZodType, rest, seen + 1);
    if (def.type === 'pipe') return visit(def.in as z.ZodType, rest, seen + 1);
    if (def.type === 'lazy') return visit((def.getter as () => z.ZodType)(), rest, seen + 1);
    if (def.type === 'union') return (def.options as z.ZodType[]).forEach((o) => visit(o, rest, seen + 1));
    if (rest.length === 0) {
      if (def.type === 'object') Object.keys(def.shape as object).forEach((k) => found.add(k));
      return;
    }
    const [key, ...more] = rest;
    if (def.type === 'object') {
      const child = (def.shape as Record<string, z.ZodType>)[String(key)];
      if (child) visit(child, more, seen + 1);
    } else if (def.type === 'record') {
      visit(def.valueType as z.ZodType, more, seen + 1);
    } else if (def.type === 'array') {
      visit(def.element as z.ZodType, more, seen + 1);
    }
  };
  visit(schema, path, 0);
  return [...found];
}

/** The known key closest to a misspelt one (at most a third of its letters off), for "did you mean". */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d <= Math.max(1, Math.floor(k.length / 3)) && (!best || d < best.d)) best = { key: k, d };
  }
  return best?.key;
}

/** Edit distance where swapping two neighbouring letters ('prot' for 'port') counts as one edit. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (__, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The keys of an options interface, written out once and checked by the compiler against the interface: a key
 * missing from the list, or one the interface lacks, is a type error. `keysOf<Options>()('a', 'b')`.
 */
export function keysOf<T>() {
  return <const K extends ReadonlyArray<keyof T & string>>(...keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : never)): K => keys;
}

/**
 * Strict options for a factory (`DeploymentStrategy.canary({ precent: 10 })`): an options value that is not an
 * object, or holds a key the factory does not know, is a ShipshapeError listing the known keys.
 */
export function checkOptions(at: string, options: unknown, known: readonly string[], code: string, required = false): void {
  if (options === undefined && !required) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ShipshapeError([{ code, path: at, property: 'options', got: describeValue(options), expected: `an object of options (${known.join(', ')})` }]);
  }
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  throw new ShipshapeError(unknown.map((key) => {
    const near = closest(key, known);
    return {
      code,
      path: at,
      property: `options.${key}`,
      got: describeValue((options as Record<string, unknown>)[key]),
      expected: `a known option (${known.join(', ')})${near ? `: did you mean '${near}'?` : ''}`,
    };
  }));
}
