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
  throw new ShipshapeError(zodProblems(result.error, input, path, codePrefix));
}

/** Turn zod's issues into shipshape problems. */
export function zodProblems(error: z.ZodError, input: unknown, path: string, codePrefix: string): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, named by the key itself.
      return issue.keys.map((key) => {
        const at = [...issue.path, key] as PropertyKey[];
        return {
          code: `${codePrefix}-${String(at[0]).toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`,
          path,
          property: at.map(String).join('.'),
          got: describeValue(valueAt(input, at)),
          expected: `a known property (${key} is not one; check its spelling)`,
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
