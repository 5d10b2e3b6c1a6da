/**
 * Random single mutations of the property test's configurations (issue 13: "any error that is not a ShipshapeError
 * is a bug"). Each case takes one generated configuration as a plain props tree (test/property-config.ts), changes ONE
 * place in it (wrong type, empty, huge, unicode, duplicate, unknown key, deleted key, a construct of another project),
 * builds and synthesizes it in a directory holding a sentinel file, and asserts exactly one of:
 *  (a) a ShipshapeError whose every problem names a construct path, a property, the value and what is allowed, and
 *      the directory is byte-for-byte unchanged; or
 *  (b) a successful synthesis whose files pass every validator, and where the mutated value is really what landed
 *      (or the mutation was one that may legally succeed: a deleted optional key, a legal number).
 * Anything else (a TypeError, an aws-cdk-lib or constructs error, a silently dropped value) fails with the seed, the
 * mutation and the stack. MUTATION_SEED and MUTATION_RUNS reproduce or widen a run.
 */
import fc from 'fast-check';
import { Tree, buildTree, config, SECTIONS, toTree } from './property-config';
import { attemptSynth } from './util';
import { ShipshapeError } from '../src/core/errors';
import { actionlint } from '../src/validators/actionlint';
import { CFN_LINT_INSTALL, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';
import { CloudFormationValidator } from '../src/validators/cloudformation';
import { lintDockerfile } from '../src/validators/dockerfile';
import { workflowParser } from '../src/validators/workflow-parser';

jest.setTimeout(600_000);

type Key = string | number;
type Path = readonly Key[];
const KINDS = ['wrong-type', 'empty', 'huge', 'unicode', 'duplicate', 'unknown-key', 'delete', 'cross-project'] as const;
type Kind = typeof KINDS[number];

/** One single mutation, as printed on failure. */
interface Mutation { readonly kind: Kind; readonly path: string; readonly value?: unknown; readonly orig?: unknown; readonly note?: string }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRef = (v: unknown) => isObject(v) && ('$ref' in v || '$foreign' in v);
const isCall = (v: unknown): v is { $call: string; options?: unknown } => isObject(v) && typeof v.$call === 'string';
/** Options each factory call takes (an unknown-key mutation adds a misspelt one); `rolling()` takes none. */
const CALL_OPTIONS: Record<string, readonly string[]> = {
  'DeploymentStrategy.blueGreen': ['bake'],
  'DeploymentStrategy.canary': ['percent', 'bake'],
  'DeploymentStrategy.linear': ['stepPercent', 'interval', 'bake'],
  'DockerPreset.node': ['packageManager', 'outDir', 'entrypoint'],
};

/** Every place a mutation may change: each construct's id and props (any depth), each configure option, the project name. */
function places(t: Tree): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path) => {
    out.push(path);
    if (isRef(v)) return;
    if (isCall(v)) {
      // A factory's options (absent by default): mutations set them to anything.
      if (v.$call in CALL_OPTIONS || v.$call.startsWith('ScalingTarget.')) walk(v.options, [...path, 'options']);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(t.project.name, ['project', 'name']);
  t.configure.forEach((o, i) => walk(o, ['configure', i]));
  for (const s of SECTIONS) {
    t[s].forEach((e, i) => {
      walk(e.id, [s, i, 'id']);
      walk(e.props, [s, i, 'props']);
    });
  }
  return out;
}

const get = (t: unknown, path: Path): unknown => path.reduce<unknown>((v, k) => (v as Record<Key, unknown>)?.[k], t);
function set(t: unknown, path: Path, value: unknown): void {
  const parent = get(t, path.slice(0, -1)) as Record<Key, unknown>;
  parent[path[path.length - 1]] = value;
}
function remove(t: unknown, path: Path): void {
  const parent = get(t, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete (parent as Record<Key, unknown>)[key];
}

/** Props that are records: their keys are user input too. */
const RECORDS = new Set(['env', 'variables', 'values']);

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length];

/** A misspelling of `key` (swapped letters, a letter dropped, a wrong case). */
function typo(key: string, n: number): string {
  if (key.length < 2) return `${key}${key}`;
  const variants = [key.slice(0, -2) + key[key.length - 1] + key[key.length - 2], key.slice(0, -1), key[0].toUpperCase() + key.slice(1), `${key}s`];
  return pick(variants.filter((v) => v !== key), n);
}

function wrongTypes(orig: unknown): unknown[] {
  const asNumber = typeof orig === 'string' && orig.trim() !== '' && Number.isFinite(Number(orig)) ? Number(orig) : 42;
  const all = [typeof orig === 'number' ? String(orig) : asNumber, 'text', true, false, null, [orig], { value: orig }, () => orig];
  return all.filter((v) => typeOf(v) !== typeOf(orig));
}
const EMPTY = ['', [], {}];
function huge(orig: unknown): unknown[] {
  const s = typeof orig === 'string' && orig !== '' ? orig : 'a';
  const n = typeof orig === 'number' ? orig : 8080;
  const long = s.repeat(Math.ceil(300 / s.length)).slice(0, 300);
  return [long, 2 ** 31, 1e308, NaN, Infinity, -Infinity, -1, -n, n + 0.5, 0.5, Number.MAX_SAFE_INTEGER + 2];
}
function unicode(orig: unknown): string[] {
  const s = typeof orig === 'string' ? orig : String(orig ?? 'x');
  const mid = Math.max(1, Math.floor(s.length / 2));
  return [
    `${s}\u200b`, `\u202e${s}`, `${s}🚀`, s.includes('-') ? s.replace('-', '\u2010') : `${s.slice(0, mid)}\u2010${s.slice(mid)}`, `${s}\u00a0`,
    `${s}\u0000`, `${s}\nx`, `${s}'`, `${s}"`, `${s}$HOME`, `${s}\${{ github.token }}`, `${s}\`id\``, `${s.slice(0, mid)} ${s.slice(mid)}`,
  ];
}

/** Apply one mutation of `kind` to a copy of `t`, at the place chosen by `at`; `n` chooses among the values. */
function mutate(t0: Tree, kind: Kind, at: number, n: number): { tree: Tree; mutation: Mutation } {
  const t = structuredClone(t0);
  const all = places(t);
  const refs = all.filter((p) => isRef(get(t, p)));
  const path = kind === 'cross-project' ? pick(refs, at) : pick(all, at);
  const orig = get(t, path);
  const show = path.join('.');
  const setTo = (value: unknown, note?: string) => {
    // In a record (env, variables, flag values), every other string mutation renames the key instead of the value.
    const parentKey = path[path.length - 2];
    if (typeof parentKey === 'string' && RECORDS.has(parentKey) && typeof value === 'string' && n % 2 === 1 && path[path.length - 3] !== undefined) {
      const parent = get(t, path.slice(0, -1)) as Record<string, unknown>;
      delete parent[path[path.length - 1]];
      parent[value] = orig;
      return { tree: t, mutation: { kind, path: `${path.slice(0, -1).join('.')}[key]`, value, orig: path[path.length - 1], note: 'a record key' } };
    }
    if (path.length === 2 && path[0] === 'configure') t.configure[path[1] as number] = value as never;
    else set(t, path, value);
    return { tree: t, mutation: { kind, path: show, value, orig, note } };
  };
  switch (kind) {
    case 'wrong-type': return setTo(pick(wrongTypes(orig), n));
    case 'empty': return setTo(pick(EMPTY, n));
    case 'huge': return setTo(pick(huge(orig), n));
    case 'unicode': return setTo(pick(unicode(orig), n));
    case 'cross-project': return setTo({ $foreign: pick(['Service', 'Environment', 'DockerImage'] as const, n) });
    case 'delete': {
      remove(t, path);
      return { tree: t, mutation: { kind, path: show } };
    }
    case 'unknown-key': {
      // Into the object at the place, or the object holding it; for an id or the project name, the construct's props.
      const holder = path.length <= 3 && path[path.length - 1] === 'id' ? [path[0], path[1], 'props'] : path[0] === 'project' ? ['services', 0, 'props'] : path.slice(0, -1);
      const inner = isObject(orig) && !isRef(orig) ? path : holder;
      // A record takes any key: misspell one of the props holding it instead.
      const target = RECORDS.has(String(inner[inner.length - 1])) ? inner.slice(0, -1) : inner;
      const obj = get(t, target);
      if (isCall(obj) || (target[target.length - 1] === 'options' && isCall(get(t, target.slice(0, -1))))) {
        const c = (isCall(obj) ? obj : get(t, target.slice(0, -1))) as { $call: string; options?: unknown };
        const known = CALL_OPTIONS[c.$call];
        // rolling() takes no options, ScalingTarget.cpu() a number: no key to misspell.
        if (!known) return mutate(t0, 'delete', at, n);
        const key = typo(pick(known, n), n);
        c.options = { ...(isObject(c.options) ? c.options : {}), [key]: 10 };
        return { tree: t, mutation: { kind, path: `${target.join('.')}.options.${key}`, value: 10 } };
      }
      if (!isObject(obj) || isRef(obj)) return mutate(t0, 'delete', at, n);
      const keys = Object.keys(obj);
      const real = keys.length > 0 ? pick(keys, n) : 'name';
      const key = typo(real, n);
      obj[key] = obj[real] ?? 'x';
      return { tree: t, mutation: { kind, path: [...target, key].join('.'), value: obj[key], note: `misspelling of ${real}` } };
    }
    case 'duplicate': {
      // The same key elsewhere in the tree with another primitive value: copy it here (two constructs, one name).
      const last = path[path.length - 1];
      const others = all.filter((p) => p[p.length - 1] === last && p.join('.') !== show && ['string', 'number'].includes(typeof get(t, p)) && get(t, p) !== orig);
      if (typeof last === 'string' && others.length > 0) {
        const from = pick(others, n);
        return setTo(get(t, from), `copied from ${from.join('.')}`);
      }
      // Otherwise copy the whole construct holding the place, with the same id or another.
      const section = path[0] === 'configure' || path[0] === 'project' ? 'services' : path[0] as typeof SECTIONS[number];
      const entry = structuredClone(t[section][path[0] === section ? path[1] as number : 0]);
      const sameId = n % 2 === 0;
      if (!sameId) entry.id = `${String(entry.id)}-copy`;
      t[section].push(entry);
      return { tree: t, mutation: { kind, path: `${section}.${t[section].length - 1}`, note: `a copy of ${section} ${String(entry.id)}${sameId ? ' with the same id' : ''}` } };
    }
  }
}

const mutated = fc.record({
  c: config,
  kind: fc.constantFrom(...KINDS),
  at: fc.nat(),
  n: fc.nat(),
}).map(({ c, kind, at, n }) => ({ config: c, ...mutate(toTree(c, true), kind, at, n) }));

/** A value as printed in a failure: functions and invisible characters shown. */
const print = (v: unknown): string => (typeof v === 'function' ? `[function ${v.toString()}]` : typeof v === 'number' ? String(v) : JSON.stringify(v) ?? 'undefined');

/** Machine paths that must never reach a message: the temporary outdir, projen's `@--tmp--` ids. */
const MACHINE_PATH = /\/tmp\b|@--|shipshape-bad-|\/nonexistent\//;

/** Why a ShipshapeError does not meet the promise (empty when it does). */
function errorProblems(error: ShipshapeError, before: object, after: object): string[] {
  const out: string[] = [];
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push(`the outdir changed: ${JSON.stringify(after).slice(0, 300)}`);
  for (const p of error.problems) {
    for (const f of ['path', 'property', 'got', 'expected'] as const) if (!p[f]) out.push(`a problem with no ${f}: ${JSON.stringify(p)}`);
    if (MACHINE_PATH.test(p.path) || MACHINE_PATH.test(p.property)) out.push(`a machine path in a problem: ${JSON.stringify(p)}`);
  }
  return out;
}

/** Forms a string or number takes in the generated files (raw, JSON-escaped, YAML-quoted). */
function landed(value: unknown, files: Record<string, string>): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return true;
  const s = String(value);
  const forms = [s, JSON.stringify(s).slice(1, -1), s.replace(/'/g, "''")];
  return Object.values(files).some((text) => forms.some((f) => text.includes(f)));
}

/** Mutations that may legally succeed; every other success must carry its value into the output. */
function successProblems(m: Mutation, files: Record<string, string>): string[] {
  if (m.kind === 'unknown-key') return [`an unknown key was accepted: ${m.path}`];
  if (m.kind === 'cross-project') return [`a construct of another project was accepted at ${m.path}`];
  if (m.kind === 'delete' || (m.kind === 'duplicate' && m.value === undefined)) return [];
  const v = m.value;
  if (m.kind === 'wrong-type' && m.orig !== undefined) return [`a ${typeOf(v)} was accepted at ${m.path}, where a ${typeOf(m.orig)} belongs`];
  if (typeof v === 'function' || v === null || Array.isArray(v) || (isObject(v) && Object.keys(v).length > 0)) {
    return [`a ${typeOf(v)} was accepted at ${m.path}`];
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return [`${v} was accepted at ${m.path}`];
  // An empty environment variable is a legal value; an empty name, id or path is not.
  if (v === '' && !/\.(env\.[^.]+\.value|variables\.[^.]+)$/.test(m.path)) return [`an empty string was accepted at ${m.path}`];
  // A construct id names the construct path only (messages), when the construct has its own name.
  if ((typeof v === 'string' || typeof v === 'number') && !m.path.endsWith('.id') && !landed(v, files)) return [`${print(v)} was accepted at ${m.path} but is not in any generated file`];
  return [];
}

/**
 * True when the mutated value landed in `text`. cfn-lint (seconds per template under load) lints only those
 * templates: the others are what a valid configuration gives, which test/property.test.ts lints; AWS's validator
 * still reads every template.
 */
function reached(m: Mutation, text: string): boolean {
  return (typeof m.value === 'string' && m.value !== '' && landed(m.value, { text })) || (typeof m.value === 'number' && String(m.value).length >= 3 && landed(m.value, { text }));
}

const cfn = new CloudFormationValidator();
afterAll(() => cfn.free());

test('every single mutation of a valid configuration is a ShipshapeError or a valid synthesis', async () => {
  const seed = Number(process.env.MUTATION_SEED ?? 20261129);
  const runs = Number(process.env.MUTATION_RUNS ?? 200);
  const workflows: Array<{ name: string; content: string }> = [];
  const templates: Array<{ name: string; content: string }> = [];
  const failures: string[] = [];
  const tally = { rejected: 0, synthesized: 0 };
  let run = 0;
  await fc.assert(fc.asyncProperty(mutated, async ({ config: c, tree, mutation }) => {
    run++;
    const { error, before, after } = attemptSynth(buildTree(tree));
    const report = (why: string[]) => `case ${run} (MUTATION_SEED=${seed}): ${why.join('\n')}\n  mutation: ${mutation.kind} at ${mutation.path} = ${print(mutation.value)}${mutation.note ? ` (${mutation.note})` : ''}\n  config: ${JSON.stringify(c)}`;
    if (error instanceof ShipshapeError) {
      tally.rejected++;
      const why = errorProblems(error, before, after);
      if (why.length > 0) failures.push(report([...why, error.message]));
      return;
    }
    if (error !== undefined) {
      failures.push(report([`a raw error (not a ShipshapeError): ${error instanceof Error ? error.stack : String(error)}`]));
      return;
    }
    tally.synthesized++;
    const files = Object.fromEntries(Object.entries(after).filter(([f]) => f !== 'sentinel.txt'));
    const why = successProblems(mutation, files);
    for (const [f, text] of Object.entries(files)) {
      if (f.startsWith('.github/workflows/')) {
        why.push(...(await actionlint(text, f)).map((x) => `${f}: ${x.message}`));
        workflows.push({ name: `run-${run}/${f}`, content: text });
      }
      if (f.endsWith('Dockerfile')) why.push(...lintDockerfile(text, f).filter((x) => x.severity !== 'info').map((x) => `${f}: ${x.message}`));
      if (f.endsWith('.template.json')) {
        why.push(...cfn.validate(text, f).filter((x) => x.severity !== 'info').map((x) => `${f}: ${x.message}`));
        // cfn-lint (seconds per template) reads only what the mutation could change: the property test lints the rest.
        if (reached(mutation, text)) templates.push({ name: `run-${run}/${f}`, content: text });
      }
    }
    if (why.length > 0) failures.push(report(why));
  }), { numRuns: runs, seed });
  // Both outcomes are exercised: most mutations are rejected, some are legal.
  expect(tally.rejected).toBeGreaterThan(runs / 4);
  expect(tally.synthesized).toBeGreaterThan(0);
  expect(failures).toEqual([]);
  expect(workflowParser(workflows)).toEqual([]);
  if (cfnLintVersion()) {
    expect(cfnLint(templates).filter((x) => x.severity !== 'info').map((x) => `${x.file}:${x.line} [${x.rule}] ${x.message}`)).toEqual([]);
  } else {
    console.warn(`cfn-lint SKIPPED on the generated templates: cfn-lint is not on PATH (${CFN_LINT_INSTALL})`);
  }
});
