/**
 * Checks over the whole model, once every construct has contributed: a plain value that reaches an output
 * must not be a secret. Reads only the model (data flows one way: constructs -> model -> checks -> renderers).
 */
import { secretKind } from '../docker/secrets';
import type { ProjectModel } from '../model';
import { Problem, ShipshapeError, problem } from './errors';

/**
 * The model parts walked for secrets. Images and compose files are left out: the Dockerfile's ENV/ARG are the
 * policy rule SS-DOCKER-SECRET's (acknowledgeable), compose values SS-COMPOSE-SECRET's (src/compose/local-dev.ts).
 */
const WALKED = ['services', 'jobs', 'environments', 'pipelines', 'databases', 'flags', 'monitoring', 'bootstrap'] as const;

/** A value shown without its secret: the first 4 characters and the length, never more. */
export function redact(value: string): string {
  return `'${value.slice(0, 4)}…' (${value.length} characters, the rest hidden)`;
}

/** Model groupings the user never wrote: left out of the property path (`variables.X`, not `infrastructure.variables.X`; `jobs.<id>`, not `workflow.jobs.<id>`). */
const INTERNAL = new Set(['infrastructure', 'workflow']);

/**
 * Every plain string of the model that looks like a secret (an AWS access key, a token, a private key, a URL
 * with a password), named by the nearest construct path and the property under it, with its value redacted.
 */
export function plainSecretProblems(model: ProjectModel): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, owner: string, property: string[], seen: Set<object>): void => {
    if (typeof value === 'string') {
      const kind = secretKind(value);
      if (kind) {
        problems.push({
          code: 'SS-SECRET-PLAIN',
          path: owner,
          property: property.join('.') || '(value)',
          got: `${kind}, ${redact(value)}`,
          expected: 'a value that is not a secret: it is written in clear into the generated files',
          hint: 'Store it in AWS Secrets Manager and reference it: Service env { secret: \'<name>\' }, Environment secrets: { NAME: SecretRef.fromName(\'<name>\') }, '
          + 'a workflow secret (${{ secrets.NAME }}) in pipeline steps, or Mount.secret() for a build. Then rotate the exposed one.',
        });
      }
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      // A list of jobs or steps: each named by its id when it has one.
      value.forEach((v, i) => visit(v, owner, [...property, typeof (v as { id?: unknown })?.id === 'string' ? (v as { id: string }).id : String(i)], seen));
      return;
    }
    // An object that names its construct path starts a new owner: its properties are reported relative to it.
    const path = (value as { path?: unknown }).path;
    const [nextOwner, nextProperty] = typeof path === 'string' && path.includes('/') ? [path, []] : [owner, property];
    for (const [k, v] of Object.entries(value)) {
      if (k === 'path' && v === path) continue;
      visit(v, nextOwner, INTERNAL.has(k) ? nextProperty : [...nextProperty, k], seen);
    }
  };
  for (const part of WALKED) visit(model[part], model.name, [], new Set());
  return problems;
}

/** What {@link foreignReferenceProblems} needs of a construct: its path and its projen project. */
interface Member {
  readonly constructPath: string;
  readonly project: unknown;
}

const isMember = (v: unknown): v is Member =>
  typeof v === 'object' && v !== null && typeof (v as Member).constructPath === 'string' && 'project' in v;

/**
 * A construct that holds a shipshape construct of another projen project (a Service or an Environment passed
 * across projects): its outputs would read a construct this project never renders. Looks at each construct's
 * own fields and one level below (props objects, arrays of environments).
 */
export function foreignReferenceProblems(members: readonly Member[], project: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const m of members) {
    const reported = new Set<unknown>();
    const check = (v: unknown, property: string) => {
      if (isMember(v) && v.project !== project && !reported.has(v)) {
        reported.add(v);
        problems.push(problem('SS-FOREIGN-CONSTRUCT', m.constructPath, property, v.constructPath,
          'a construct of this project (the same projen project as this construct)',
          'Each projen project renders only its own constructs: declare the construct in this project too.'));
      }
    };
    for (const [k, v] of Object.entries(m)) {
      if (k === 'node' || k === 'project' || k === 'shipshape' || v === m) continue;
      check(v, k);
      if (typeof v !== 'object' || v === null || isMember(v)) continue;
      for (const [k2, v2] of Object.entries(v)) check(v2, Array.isArray(v) ? `${k}[${k2}]` : (k === 'props' ? k2 : `${k}.${k2}`));
    }
  }
  return problems;
}

/**
 * The props object a constructor was given, checked to be a plain object before anything reads or spreads it:
 * spreading a number or a string gives `{}` (the props silently ignored) and reading a field of `undefined` is a
 * TypeError. `undefined` stands for `{}` when the props are optional. (Factory options: `checkOptions` in schema.ts.)
 */
export function plainProps<T>(props: T, path: string, code: string, optional = false): T {
  if (props === undefined && optional) return {} as T;
  const isPlain = typeof props === 'object' && props !== null && !Array.isArray(props)
    && [Object.prototype, null].includes(Object.getPrototypeOf(props));
  if (!isPlain) throw new ShipshapeError([problem(code, path, '(props)', props, `an object of props${optional ? ', or nothing' : ''}`)]);
  return props;
}
