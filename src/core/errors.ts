import { join, resolve, sep } from 'path';

/**
 * One problem found in the user's configuration.
 *
 * Every field is plain data so that problems can be collected, sorted,
 * compared in tests and printed without losing information.
 */
export interface Problem {
  /** A stable identifier, for example `SS-SERVICE-PORT`. Never changes once released. */
  readonly code: string;
  /** The construct path of the offending construct, for example `node-api/Service/api`. */
  readonly path: string;
  /** The property that is wrong, in dotted form, for example `health.path`. */
  readonly property: string;
  /** What the user gave, rendered for humans. */
  readonly got: string;
  /** What is allowed instead. */
  readonly expected: string;
  /** Optional extra explanation or a fix hint. */
  readonly hint?: string;
}

/** Render a value the user gave so that it is unambiguous in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${visible(value.length > 120 ? `${value.slice(0, 117)}...` : value)}'`;
  if (typeof value === 'function') return 'a function';
  // JSON would show NaN and Infinity as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const construct = describeConstruct(value);
  if (construct) return construct;
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return visible(json.length > 120 ? `${json.slice(0, 117)}...` : json);
  } catch {
    return `a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'value'}`;
  }
}

/**
 * Show what a reader cannot see or tell apart: control and format characters (zero-width, bidi), every space but
 * the plain one (a non-breaking space) and every dash but '-' (a Unicode hyphen) are written as their escape, for
 * example `'prod\u2010eu'`. Visible characters such as the multiplication sign stay as they are.
 */
export function visible(text: string): string {
  return text.replace(/[\p{C}\p{Z}\p{Pd}]/gu, (c) => {
    if (c === ' ' || c === '-') return c;
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A construct or projen project is named by its kind and readable path, never by its machine path or outdir. */
function describeConstruct(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || !('node' in value)) return undefined;
  const kind = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'construct';
  const readable = (value as { constructPath?: unknown; name?: unknown }).constructPath ?? (value as { name?: unknown }).name;
  return typeof readable === 'string' ? `a ${kind} '${visible(readable)}'` : `a ${kind}`;
}

/** Format one problem on one line: `[path] property: expected (got value) [CODE]`. */
export function formatProblem(p: Problem): string {
  const hint = p.hint ? ` Hint: ${p.hint}` : '';
  return `[${p.path}] ${p.property}: must be ${p.expected} (got ${p.got}) [${p.code}]${hint}`;
}

/**
 * The one error type of shipshape. It carries every problem found, so a user
 * with five mistakes sees all five in one run.
 */
export class ShipshapeError extends Error {
  public declare readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const sorted = [...problems];
    const head = sorted.length === 1
      ? 'shipshape found a problem in the configuration:'
      : `shipshape found ${sorted.length} problems in the configuration:`;
    super([head, ...sorted.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    this.name = 'ShipshapeError';
    // Not enumerable: Node prints an uncaught error's own enumerable fields after its stack, which would show
    // every problem a second time.
    Object.defineProperty(this, 'problems', { value: sorted, enumerable: false, writable: false });
    // Keep only the user's own frames: a trace from inside shipshape or projen helps nobody.
    this.stack = `${this.name}: ${this.message}\n${userFrames(new Error().stack ?? '')}`;
  }

  /** The code of the first problem. */
  public get code(): string { return this.problems[0]?.code ?? 'SS-UNKNOWN'; }
  /** The construct path of the first problem. */
  public get path(): string { return this.problems[0]?.path ?? ''; }
  /** The property of the first problem. */
  public get property(): string { return this.problems[0]?.property ?? ''; }
  /** The value given for the first problem. */
  public get got(): string { return this.problems[0]?.got ?? ''; }
  /** What was allowed for the first problem. */
  public get expected(): string { return this.problems[0]?.expected ?? ''; }
}

/** shipshape's own source and build folders: frames from there are noise for a user. */
const OWN_DIRS = [join(resolve(__dirname, '..', '..'), 'src') + sep, join(resolve(__dirname, '..', '..'), 'lib') + sep];

function userFrames(stack: string): string {
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !OWN_DIRS.some((d) => line.includes(d)) && !/[\\/]node_modules[\\/]/.test(line) && !line.includes('node:internal'))
    .slice(0, 5)
    .join('\n');
}

/** Convenience for building a problem with the value described consistently. */
export function problem(code: string, path: string, property: string, got: unknown, expected: string, hint?: string): Problem {
  return { code, path, property, got: describeValue(got), expected, ...(hint ? { hint } : {}) };
}

/** Throw a ShipshapeError when the list is not empty. */
export function throwIfAny(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ShipshapeError(problems);
}
