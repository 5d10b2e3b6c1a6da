/**
 * `shipshape import copilot` end to end, on four Copilot applications written after Copilot's published manifest
 * specification (test/fixtures/copilot/): each is imported in a copy, its generated `.projenrc.ts` type-checks (one
 * tsc run for all four) and synthesizes, the outputs pass the validators, and what the manifests say (ports, health
 * paths, CPU and memory, task counts, schedules, environment variables, environments, pipeline stages) is read back
 * from the generated templates and workflow. The expected values are read from the manifests here, never written
 * twice. Unsupported fields are reported by name and manifest path; bad manifests are errors that name the file,
 * the line and the field, and nothing is written.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as projen from 'projen';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { tree } from './util';
import * as shipshape from '../src';
import { ShipshapeError } from '../src/core/errors';
import { FEATURES, importCopilot, writeImport } from '../src/import/copilot';
import { Shipshape } from '../src/shipshape';
import { readGenerated } from '../src/testing/synth';
import { actionlint } from '../src/validators/actionlint';
import { CFN_LINT_INSTALL, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';
import { checkCompose } from '../src/validators/compose';
import { lintDockerfile } from '../src/validators/dockerfile';
import type { Finding } from '../src/validators/finding';
import { runScripts, shellcheck } from '../src/validators/shellcheck';
import { workflowParser } from '../src/validators/workflow-parser';
import { yamllint } from '../src/validators/yamllint';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'copilot');
const BAD = path.join(__dirname, 'fixtures', 'copilot-bad');
const APPS = fs.readdirSync(FIXTURES).sort();
/**
 * AWS's CloudFormation validator runs at synthesis (as it does for a user) for this application, the one with every
 * workload type; it takes seconds per process, so it is off for the others. cfn-lint checks every template below.
 */
const VALIDATED_APP = 'bookstore';
/** The workload types shipshape deploys; the others are reported. */
const SUPPORTED = ['Load Balanced Web Service', 'Backend Service', 'Worker Service', 'Scheduled Job'];
/**
 * Until the importer's switch for shipshape's per-workload, per-environment values is on, a value that differs by
 * environment may be left at its base value (or, for a secret, left out) when the report names it; once it is on,
 * every environment must get exactly what its manifest says.
 */
const MAY_REPORT_PER_ENVIRONMENT = !FEATURES.overrides;

// ---------------------------------------------------------------------------------------------------------------
// Reading the manifests (the expected side).

type Yaml = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Manifest {
  /** Relative to the application's directory, for example `copilot/api/manifest.yml`. */
  readonly file: string;
  readonly doc: Yaml;
}

interface CopilotApp {
  readonly name: string;
  readonly workloads: Manifest[];
  readonly environments: Manifest[];
  readonly pipelines: Manifest[];
}

function readApp(dir: string): CopilotApp {
  const copilot = path.join(dir, 'copilot');
  const read = (file: string): Manifest => ({ file, doc: parse(fs.readFileSync(path.join(dir, file), 'utf8')) });
  const manifestsUnder = (sub: string) => (fs.existsSync(path.join(copilot, sub))
    ? fs.readdirSync(path.join(copilot, sub)).sort().map((d) => `copilot/${sub ? `${sub}/` : ''}${d}/manifest.yml`)
      .filter((f) => fs.existsSync(path.join(dir, f))).map(read)
    : []);
  return {
    name: parse(fs.readFileSync(path.join(copilot, '.workspace'), 'utf8')).application,
    workloads: manifestsUnder(''),
    environments: manifestsUnder('environments'),
    pipelines: manifestsUnder('pipelines'),
  };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copilot's override rule: maps merge key by key, anything else (scalars, lists) replaces. */
function overlay(base: Yaml, over: Yaml): Yaml {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
  return out;
}

/** A workload's manifest as it applies to one environment (its `environments.<env>` overrides applied). */
function inEnv(doc: Yaml, env: string): Yaml {
  const { environments, ...base } = doc;
  return overlay(base, environments?.[env]);
}

/**
 * A variable's value in one environment: `${COPILOT_ENVIRONMENT_NAME}` and `${COPILOT_APPLICATION_NAME}` substituted
 * as Copilot does at deploy time, and a service discovery name (`<service>.<env>.<app>.local`) as the service's
 * Service Connect name (`<service>`), which is how shipshape's services reach each other.
 */
function substitute(value: unknown, app: string, env: string): string {
  return String(value).replace(/\$\{COPILOT_ENVIRONMENT_NAME\}/g, env).replace(/\$\{COPILOT_APPLICATION_NAME\}/g, app)
    .replace(new RegExp(`\\b([a-z][a-z0-9-]*)\\.${env}\\.${app}\\.local\\b`, 'g'), '$1');
}

/** `count`: a number, or a map with `range` ("1-10" or {min, max}); Copilot's default is one task. */
function counts(count: Yaml): { min: number; max: number } {
  if (count === undefined) return { min: 1, max: 1 };
  if (typeof count === 'number') return { min: count, max: count };
  const range = count.range;
  if (typeof range === 'string') {
    const [min, max] = range.split('-').map(Number);
    return { min, max };
  }
  return { min: range.min, max: range.max };
}

/** `http.healthcheck`: a path, or a map with `path`; Copilot's default is `/`. */
function healthPath(doc: Yaml): string {
  const hc = doc.http?.healthcheck;
  if (hc === undefined) return '/';
  return typeof hc === 'string' ? hc : hc.path ?? '/';
}

/** A Copilot duration (`45m`, `1h30m`, `250ms`) in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, n, unit] of String(duration).matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(n) * units[unit];
  return total;
}

/**
 * A Copilot schedule as an EventBridge expression, normalized so that equal schedules compare equal: rates in
 * minutes, cron as six fields with `?` and `*` not told apart (a 5-field Unix cron has no `?`).
 */
function normalizedSchedule(schedule: string): string {
  const keywords: Record<string, string> = {
    '@hourly': '0 * * * ? *', '@daily': '0 0 * * ? *', '@weekly': '0 0 ? * 1 *', '@monthly': '0 0 1 * ? *', '@yearly': '0 0 1 1 ? *',
  };
  const rateUnits: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };
  let m: RegExpMatchArray | null;
  if (keywords[schedule]) return normalizedSchedule(`cron(${keywords[schedule]})`);
  if ((m = schedule.match(/^@every (.+)$/))) return `rate(${seconds(m[1]) / 60} minutes)`;
  if ((m = schedule.match(/^rate\((\d+) (\w+)\)$/))) return `rate(${Number(m[1]) * rateUnits[m[2]]} minutes)`;
  const fields = (m = schedule.match(/^cron\((.+)\)$/)) ? m[1].split(' ') : [...schedule.split(' '), '*'];
  return `cron(${fields.map((f, i) => (f === '?' && (i === 2 || i === 4) ? '*' : f)).join(' ')})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the generated templates (the actual side).

interface Resource { readonly Type: string; readonly Properties: Yaml }

function resources(files: Record<string, string>, file: string, type: string): Resource[] {
  if (!(file in files)) throw new Error(`${file} was not generated (generated: ${Object.keys(files).filter((f) => f.startsWith('infra/')).join(', ')})`);
  return Object.values(JSON.parse(files[file]).Resources as Record<string, Resource>).filter((r) => r.Type === type);
}

/** The workload's own task definition (not a migration's). */
function taskDefinition(files: Record<string, string>, file: string): Yaml {
  const defs = resources(files, file, 'AWS::ECS::TaskDefinition').filter((r) => !String(r.Properties.Family).endsWith('-migrate'));
  expect(defs).toHaveLength(1);
  return defs[0].Properties;
}

/** What one workload runs with in one environment, read from its stack `infra/<workload>-<env>.template.json`. */
function deployed(files: Record<string, string>, workload: string, env: string) {
  const file = `infra/${workload}-${env}.template.json`;
  const task = taskDefinition(files, file);
  const container = task.ContainerDefinitions[0];
  const scalable = resources(files, file, 'AWS::ApplicationAutoScaling::ScalableTarget');
  const service = resources(files, file, 'AWS::ECS::Service');
  const count = scalable.length > 0
    ? { min: scalable[0].Properties.MinCapacity, max: scalable[0].Properties.MaxCapacity }
    : { min: service[0]?.Properties.DesiredCount, max: service[0]?.Properties.DesiredCount };
  const schedule = resources(files, file, 'AWS::Scheduler::Schedule')[0]?.Properties.ScheduleExpression;
  const definition = JSON.stringify(resources(files, file, 'AWS::StepFunctions::StateMachine')[0]?.Properties.DefinitionString ?? '');
  return {
    cpu: Number(task.Cpu),
    memory: Number(task.Memory),
    containerPort: container.PortMappings?.[0]?.ContainerPort,
    targetGroups: resources(files, file, 'AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => r.Properties),
    count,
    env: Object.fromEntries((container.Environment ?? []).map((e: { Name: string; Value: unknown }) => [e.Name, e.Value])),
    secrets: (container.Secrets ?? []).map((s: { Name: string }) => s.Name) as string[],
    schedule: schedule as string | undefined,
    retries: Number(definition.match(/MaxAttempts[\\"]*:(\d+)/)?.[1] ?? 0),
    timeoutSeconds: Number(definition.match(/TimeoutSeconds[\\"]*:(\d+)/)?.[1]),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Importing, type-checking and synthesizing each application once.

const scratch = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'shipshape-copilot-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function copyDir(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/** The accounts and regions Copilot keeps outside the manifests: those of each environment's certificate, if any. */
function environmentsOption(app: CopilotApp): Record<string, { account: string; region: string }> {
  const out: Record<string, { account: string; region: string }> = {};
  for (const { doc } of app.environments) {
    const arn: string | undefined = doc.http?.public?.certificates?.[0];
    const m = arn?.match(/^arn:aws:acm:([a-z0-9-]+):(\d{12}):/);
    if (m) out[doc.name] = { account: m[2], region: m[1] };
  }
  return out;
}

/** Load a generated `.projenrc.ts` as jest would, with `shipshape` and `projen` taken from this repository. */
function loadProjenrc(file: string): { createProject(outdir?: string): projen.Project } {
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: file,
  }).outputText;
  const modules: Record<string, unknown> = { shipshape, projen };
  const mod = { exports: {} as Record<string, unknown> };
  const requireShim = (name: string) => {
    if (name in modules) return modules[name];
    throw new Error(`the generated ${file} requires ${name}: only shipshape and projen are expected`);
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', '__filename', '__dirname', js)(requireShim, mod, mod.exports, file, path.dirname(file));
  return mod.exports as unknown as { createProject(outdir?: string): projen.Project };
}

interface Imported {
  readonly app: CopilotApp;
  readonly dir: string;
  readonly result: ReturnType<typeof importCopilot>;
  /** The application's own files before the import (Dockerfiles, sources, manifests). */
  readonly before: Record<string, string>;
  readonly files: Record<string, string>;
  readonly synthMs: number;
}

/** Copy the application, import it and write the two files (the user's step one). */
function importInto(name: string): Omit<Imported, 'files' | 'synthMs'> {
  const dir = copyDir(path.join(FIXTURES, name), path.join(scratch, name));
  const app = readApp(dir);
  const before = tree(dir);
  const result = importCopilot(dir, { environments: environmentsOption(app) });
  writeImport(dir, result, {});
  return { app, dir, result, before };
}

/** Synthesize the written `.projenrc.ts` in the application's directory (the user's `npx projen`). */
function synthesize(name: string, i: Omit<Imported, 'files' | 'synthMs'>): Imported {
  const start = Date.now();
  const previous = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const project = loadProjenrc(path.join(i.dir, '.projenrc.ts')).createProject(i.dir);
    if (name !== VALIDATED_APP) Shipshape.configure(project, { cloudFormationValidation: false });
    project.synth();
  } finally {
    if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previous;
  }
  return { ...i, files: readGenerated(i.dir), synthMs: Date.now() - start };
}

/**
 * tsc on every generated `.projenrc.ts` in one run, with `shipshape` mapped to this repository's src/index.ts and
 * everything else to its node_modules. It takes seconds: it runs in the background while the applications synthesize.
 */
function startTypeCheck(projenrcs: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const dir = path.join(scratch, 'tsc');
  fs.mkdirSync(dir, { recursive: true });
  const files = Object.entries(projenrcs).map(([name, text]) => {
    const file = path.join(dir, `${name}.projenrc.ts`);
    fs.writeFileSync(file, text);
    return file;
  });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: {
      noEmit: true,
      rootDir: '/',
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      paths: { 'shipshape': [path.join(ROOT, 'src', 'index.ts')], '*': [path.join(ROOT, 'node_modules', '*')] },
    },
    files,
    include: [],
  }));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(dir, 'tsconfig.json')]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => resolve({ status, output }));
  });
}

const imported = new Map<string, Imported>();
const failures = new Map<string, unknown>();
let typeCheck: Promise<{ status: number | null; output: string }> | undefined;
beforeAll(() => {
  const written = new Map<string, Omit<Imported, 'files' | 'synthMs'>>();
  for (const name of APPS) {
    try {
      written.set(name, importInto(name));
    } catch (e) {
      failures.set(name, e);
    }
  }
  typeCheck = startTypeCheck(Object.fromEntries([...written].map(([name, i]) => [name, i.result.projenrc])));
  for (const [name, i] of written) {
    try {
      imported.set(name, synthesize(name, i));
    } catch (e) {
      failures.set(name, e);
    }
  }
});
function get(name: string): Imported {
  if (failures.has(name)) throw failures.get(name);
  return imported.get(name)!;
}

/**
 * shellcheck on every bash `run:` script of a workflow. The four applications' workflows share most scripts (about
 * 520 scripts, 70 different): each different script is checked once.
 */
const shellcheckCache = new Map<string, Finding[]>();
function shellchecked(workflow: string, file: string): Finding[] {
  return runScripts(workflow).filter((s) => s.shell === undefined || s.shell === 'bash').flatMap((s) => {
    if (!shellcheckCache.has(s.script)) shellcheckCache.set(s.script, shellcheck(s.script, 'script'));
    return shellcheckCache.get(s.script)!.map((f) => ({ ...f, file: `${file} ${s.label}` }));
  });
}

/**
 * yamllint on several files in one process (it takes a quarter of a second to start): one stream of documents,
 * each file's findings mapped back to its own name and line.
 */
function yamllintAll(files: Array<[string, string]>): Finding[] {
  let offset = 0;
  const starts = files.map(([file, text]) => {
    const start = { file, first: offset + 2 };
    offset += 1 + text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    return start;
  });
  const stream = files.map(([, text]) => `---\n${text.endsWith('\n') ? text : `${text}\n`}`).join('');
  return yamllint(stream, 'stream').map((f) => {
    const owner = [...starts].reverse().find((s) => (f.line ?? 0) >= s.first) ?? starts[0];
    return { ...f, file: owner.file, line: f.line === undefined ? undefined : f.line - owner.first + 1 };
  });
}

const only = (files: Record<string, string>, re: RegExp) => Object.entries(files).filter(([f]) => re.test(f));
const blocking = (found: Finding[]) => found.filter((f) => f.severity !== 'info');
/** Some line of the report names both the manifest and the field. */
const reported = (report: string, file: string, field: string) => report.split('\n').some((l) => l.includes(file) && l.includes(field));

test('there are at least four applications, together using every workload type', () => {
  expect(APPS.length).toBeGreaterThanOrEqual(4);
  const types = new Set(APPS.flatMap((a) => readApp(path.join(FIXTURES, a)).workloads.map((w) => w.doc.type)));
  expect([...types].sort()).toEqual([...SUPPORTED, 'Request-Driven Web Service', 'Static Site'].sort());
});

/** Every field the issue lists, and where in the fixtures it is used: a fixture edit cannot drop one unnoticed. */
test('the fixtures together use every Copilot field the import maps or reports', () => {
  const apps = APPS.map((a) => ({ dir: path.join(FIXTURES, a), ...readApp(path.join(FIXTURES, a)) }));
  const workloads = apps.flatMap((a) => a.workloads.map((w) => w.doc));
  const some = (pred: (d: Yaml) => unknown) => workloads.some((d) => pred(d) || Object.values<Yaml>(d.environments ?? {}).some((o) => pred(o)));
  const count = (pred: (c: Yaml) => unknown) => some((d) => isMap(d.count) && pred(d.count));
  const sources = apps.flatMap((a) => fs.readdirSync(a.dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(a.dir, f), 'utf8'))).join('\n');
  const covered: Record<string, boolean> = {
    'image.build (a path)': some((d) => typeof d.image?.build === 'string'),
    'image.build (dockerfile, context, args)': some((d) => d.image?.build?.dockerfile && d.image.build.context && d.image.build.args),
    'image.location': some((d) => d.image?.location),
    'image.port': some((d) => d.image?.port),
    'http.path': some((d) => d.http?.path && d.http.path !== '/'),
    'http.alias': some((d) => d.http?.alias),
    'http.healthcheck (a path)': some((d) => typeof d.http?.healthcheck === 'string'),
    'http.healthcheck (a map)': some((d) => isMap(d.http?.healthcheck)),
    'cpu, memory': some((d) => d.cpu && d.memory),
    'count (fixed)': some((d) => typeof d.count === 'number'),
    'count.range (a string)': count((c) => typeof c.range === 'string'),
    'count.range (min, max)': count((c) => isMap(c.range)),
    'count.cpu_percentage': count((c) => c.cpu_percentage),
    'count.memory_percentage': count((c) => c.memory_percentage),
    'count.requests': count((c) => c.requests),
    'count.queue_delay': count((c) => c.queue_delay),
    'variables with ${COPILOT_ENVIRONMENT_NAME}': some((d) => Object.values(d.variables ?? {}).some((v) => String(v).includes('${COPILOT_ENVIRONMENT_NAME}'))),
    'secrets (SSM)': some((d) => Object.values(d.secrets ?? {}).some((v) => typeof v === 'string')),
    'secrets (secretsmanager)': some((d) => Object.values<Yaml>(d.secrets ?? {}).some((v) => v?.secretsmanager)),
    'exec': some((d) => d.exec === true),
    'network.connect': some((d) => d.network?.connect),
    'deployment.rolling (default, recreate)': some((d) => d.deployment?.rolling === 'default') && some((d) => d.deployment?.rolling === 'recreate'),
    'deployment.rollback_alarms (names, thresholds)': some((d) => Array.isArray(d.deployment?.rollback_alarms)) && some((d) => isMap(d.deployment?.rollback_alarms)),
    'environments overrides': some((d) => d.environments),
    'publish.topics': some((d) => d.publish?.topics),
    'subscribe.topics, queue, dead_letter': some((d) => d.subscribe?.topics && d.subscribe.queue?.dead_letter),
    'on.schedule, retries, timeout': some((d) => d.on?.schedule && d.retries !== undefined && d.timeout),
    'storage.volumes (EFS)': some((d) => d.storage?.volumes),
    'nlb': some((d) => d.nlb),
    'sidecars': some((d) => d.sidecars),
    'logging (FireLens)': some((d) => d.logging?.destination),
    'addons': apps.some((a) => a.workloads.some((w) => fs.existsSync(path.join(a.dir, path.dirname(w.file), 'addons')))),
    'environment: imported VPC and subnets': apps.some((a) => a.environments.some((e) => e.doc.network?.vpc?.id && e.doc.network.vpc.subnets?.public && e.doc.network.vpc.subnets?.private)),
    'environment: certificates': apps.some((a) => a.environments.some((e) => e.doc.http?.public?.certificates)),
    'pipeline: stages, test_commands, requires_approval': apps.some((a) => a.pipelines.some((p) => p.doc.stages?.some((s: Yaml) => s.test_commands) && p.doc.stages?.some((s: Yaml) => s.requires_approval))),
    'code reads COPILOT_SERVICE_DISCOVERY_ENDPOINT': sources.includes('process.env.COPILOT_SERVICE_DISCOVERY_ENDPOINT'),
    'code reads COPILOT_QUEUE_URI': sources.includes('process.env.COPILOT_QUEUE_URI'),
    'code reads COPILOT_SNS_TOPIC_ARNS': sources.includes('process.env.COPILOT_SNS_TOPIC_ARNS'),
  };
  expect(Object.entries(covered).filter(([, yes]) => !yes).map(([field]) => field)).toEqual([]);
});

test('every generated .projenrc.ts type-checks against shipshape (one tsc run for all applications)', async () => {
  // An application whose import failed has no .projenrc.ts to check: its error is this test's.
  for (const name of APPS) if (!fs.existsSync(path.join(scratch, 'tsc', `${name}.projenrc.ts`))) throw failures.get(name);
  const r = await typeCheck!;
  expect(r.output).toBe('');
  expect(r.status).toBe(0);
});

const cfnLintInstalled = cfnLintVersion();
let cfnLintFindings: Finding[] | undefined;
/** cfn-lint takes seconds to start: the templates of every application in one run, on first use. */
function cfnLintOf(name: string): Finding[] {
  cfnLintFindings ??= cfnLint(APPS.filter((a) => imported.has(a)).flatMap((a) => only(get(a).files, /\.template\.json$/)
    .map(([f, content]) => ({ name: `${a}/${f}`, content }))));
  return cfnLintFindings.filter((f) => f.file.startsWith(`${name}/`));
}

describe.each(APPS)('%s', (name) => {
  test('imports and synthesizes; the Dockerfiles and sources of the application are left as they were', () => {
    const { dir, before, files } = get(name);
    const after = tree(dir);
    for (const [file, content] of Object.entries(before)) expect([file, after[file]]).toEqual([file, content]);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['.projen/files.json']));
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toBe(get(name).result.projenrc);
  });

  test('the outputs pass actionlint, the workflow parser, shellcheck, yamllint, dockerfile-utils, the compose checks', async () => {
    const { files } = get(name);
    const workflows = only(files, /^\.github\/workflows\/.*\.yml$/);
    expect(workflows.length).toBeGreaterThan(0);
    for (const [file, text] of workflows) expect(await actionlint(text, file)).toEqual([]);
    expect(workflowParser(workflows.map(([f, content]) => ({ name: f, content })))).toEqual([]);
    for (const [file, text] of workflows) expect(shellchecked(text, file)).toEqual([]);
    expect(yamllintAll(only(files, /^\.github\/.*\.ya?ml$/))).toEqual([]);
    const dockerfiles = only(files, /(^|\/)Dockerfile[^/]*$/);
    expect(dockerfiles.length).toBeGreaterThan(0);
    for (const [file, text] of dockerfiles) expect(blocking(lintDockerfile(text, file))).toEqual([]);
    for (const [file, text] of only(files, /(^|\/)docker-compose[^/]*\.ya?ml$/)) expect(checkCompose(text, file)).toEqual([]);
  });

  (cfnLintInstalled ? test : test.skip)(cfnLintInstalled ? 'the templates pass cfn-lint' : `the templates pass cfn-lint (SKIPPED: ${CFN_LINT_INSTALL})`, () => {
    get(name);
    expect(blocking(cfnLintOf(name))).toEqual([]);
  });

  test('round trip: one environment stack per Copilot environment, one stack per workload and environment', () => {
    const { app, files } = get(name);
    const envs = app.environments.map((e) => e.doc.name as string);
    expect(envs.length).toBeGreaterThan(0);
    for (const env of envs) expect(Object.keys(files)).toContain(`infra/${env}.template.json`);
    for (const w of app.workloads.filter((m) => SUPPORTED.includes(m.doc.type))) {
      for (const env of envs) expect(Object.keys(files)).toContain(`infra/${w.doc.name}-${env}.template.json`);
    }
  });

  test('round trip: ports, health paths, CPU and memory, task counts, schedules, retries and timeouts', () => {
    const { app, files, result } = get(name);
    const envs = app.environments.map((e) => e.doc.name as string);
    for (const w of app.workloads.filter((m) => SUPPORTED.includes(m.doc.type))) {
      for (const env of envs) {
        const want = inEnv(w.doc, env);
        const base = inEnv(w.doc, '');
        const got = deployed(files, w.doc.name, env);
        const where = `${w.file} in ${env}`;
        /** Carried per environment, or kept at the base value with the override in the report. */
        const same = (field: string, actual: unknown, expected: unknown, fallback: unknown) => {
          if (MAY_REPORT_PER_ENVIRONMENT && actual !== expected && actual === fallback && reported(result.report, w.file, `environments.${env}`)) return;
          expect([where, field, actual]).toEqual([where, field, expected]);
        };
        same('cpu', got.cpu, want.cpu ?? 256, base.cpu ?? 256);
        same('memory', got.memory, want.memory ?? 512, base.memory ?? 512);
        if (w.doc.type !== 'Scheduled Job') {
          same('count.min', got.count.min, counts(want.count).min, counts(base.count).min);
          same('count.max', got.count.max, counts(want.count).max, counts(base.count).max);
        }
        if (want.image?.port !== undefined) expect([where, got.containerPort]).toEqual([where, want.image.port]);
        if (w.doc.type === 'Load Balanced Web Service') {
          expect(got.targetGroups.length).toBeGreaterThan(0);
          for (const tg of got.targetGroups) {
            expect([where, tg.Port, tg.HealthCheckPath]).toEqual([where, want.image.port, healthPath(want)]);
          }
        }
        if (w.doc.type === 'Scheduled Job') {
          expect([where, normalizedSchedule(got.schedule!)]).toEqual([where, normalizedSchedule(want.on.schedule)]);
          expect([where, 'retries', got.retries]).toEqual([where, 'retries', want.retries ?? 0]);
          if (want.timeout !== undefined) expect([where, 'timeout', got.timeoutSeconds]).toEqual([where, 'timeout', seconds(want.timeout)]);
        }
      }
    }
  });

  test("round trip: every variable and secret by name, variables' values with Copilot's ${...} substituted", () => {
    const { app, files, result } = get(name);
    const envs = app.environments.map((e) => e.doc.name as string);
    for (const w of app.workloads.filter((m) => SUPPORTED.includes(m.doc.type))) {
      for (const env of envs) {
        const want = inEnv(w.doc, env);
        const got = deployed(files, w.doc.name, env);
        const where = `${w.file} in ${env}`;
        for (const [key, value] of Object.entries<unknown>(want.variables ?? {})) {
          const expected = substitute(value, app.name, env);
          const varies = String(w.doc.variables?.[key]).includes('${') || w.doc.environments?.[env]?.variables?.[key] !== undefined;
          if (MAY_REPORT_PER_ENVIRONMENT && got.env[key] !== expected && varies && reported(result.report, w.file, key)) continue;
          expect([where, key, got.env[key]]).toEqual([where, key, expected]);
        }
        for (const key of Object.keys(want.secrets ?? {})) {
          const varies = JSON.stringify(w.doc.secrets?.[key] ?? null).includes('${') || w.doc.environments?.[env]?.secrets?.[key] !== undefined;
          if (MAY_REPORT_PER_ENVIRONMENT && !got.secrets.includes(key) && varies && reported(result.report, w.file, `secrets.${key}`)) continue;
          expect([where, key, got.secrets.includes(key)]).toEqual([where, key, true]);
        }
        // A secret is a reference, never a value: not among the plain variables.
        for (const key of Object.keys(want.secrets ?? {})) expect([where, key, key in got.env]).toEqual([where, key, false]);
        // Least privilege: a workload reads only the secrets its own manifest names (not another workload's).
        expect([where, got.secrets.filter((s) => !(s in (want.secrets ?? {})))]).toEqual([where, []]);
      }
    }
    // No Copilot placeholder is left in anything generated.
    for (const [file, text] of Object.entries(files)) expect([file, /\$\{COPILOT_[A-Z_]+\}/.test(text)]).toEqual([file, false]);
  });

  test('round trip: the pipeline deploys the stages in order; test commands run; approvals are reported to fill in', () => {
    const { app, files, result } = get(name);
    const ci = parse(files['.github/workflows/ci.yml']);
    const deployJobs = (env: string) => Object.keys(ci.jobs).filter((j) => j === `deploy-${env}` || j.startsWith(`deploy-${env}-`));
    for (const { file, doc } of app.pipelines) {
      const stages: Yaml[] = doc.stages;
      for (const s of stages) expect([file, s.name, deployJobs(s.name).length > 0]).toEqual([file, s.name, true]);
      for (let i = 1; i < stages.length; i++) {
        for (const job of deployJobs(stages[i].name)) {
          const needs: string[] = [ci.jobs[job].needs ?? []].flat();
          expect([job, needs.some((n) => deployJobs(stages[i - 1].name).includes(n))]).toEqual([job, true]);
        }
      }
      const generated = Object.values(files).join('\n');
      for (const command of stages.flatMap((s) => s.test_commands ?? [])) expect([command, generated.includes(command)]).toEqual([command, true]);
      for (const s of stages.filter((st) => st.requires_approval)) expect([file, s.name, reported(result.report, file, 'requires_approval')]).toEqual([file, s.name, true]);
    }
  });

  test('every unsupported field and workload is in the report, by name and manifest path', () => {
    const { app, dir, result } = get(name);
    const expected: Array<[string, string]> = [];
    for (const { file, doc } of app.workloads) {
      if (!SUPPORTED.includes(doc.type)) expected.push([file, doc.type]);
      for (const field of ['nlb', 'sidecars', 'logging'].filter((f) => doc[f] !== undefined)) expected.push([file, field]);
      if (doc.storage?.volumes) expected.push([file, 'storage.volumes']);
      if (doc.image?.location) expected.push([file, 'image.location']);
      const addons = path.join(dir, path.dirname(file), 'addons');
      if (fs.existsSync(addons)) for (const f of fs.readdirSync(addons)) expected.push([`${path.dirname(file)}/addons/${f}`, 'addons']);
    }
    for (const [file, field] of expected) expect([file, field, reported(result.report, file, field)]).toEqual([file, field, true]);
  });

  test("the variables Copilot injected that the application's code reads are in the report", () => {
    const { dir, result } = get(name);
    const used = new Set<string>();
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== 'copilot' && e.name !== 'node_modules') walk(path.join(d, e.name));
        else if (e.name.endsWith('.js')) for (const m of fs.readFileSync(path.join(d, e.name), 'utf8').matchAll(/process\.env\.(COPILOT_[A-Z_]+)/g)) used.add(m[1]);
      }
    };
    walk(dir);
    expect(used.size).toBeGreaterThan(0);
    for (const v of used) expect([v, result.report.includes(v)]).toEqual([v, true]);
  });

  test('a second import into the same directory refuses to overwrite, and writes nothing', () => {
    const { dir, result } = get(name);
    const before = tree(dir);
    let error: unknown;
    try {
      writeImport(dir, importCopilot(dir, { environments: environmentsOption(readApp(dir)) }), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShipshapeError);
    expect(String((error as Error).message)).toContain('.projenrc.ts');
    expect(tree(dir)).toEqual(before);
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toBe(result.projenrc);
  });

  test('the import is deterministic (a fresh copy imports to the same text)', () => {
    const { app, result } = get(name);
    const fresh = copyDir(path.join(FIXTURES, name), fs.mkdtempSync(path.join(scratch, `again-${name}-`)));
    const again = importCopilot(fresh, { environments: environmentsOption(app) });
    expect([again.projenrc, again.report]).toEqual([result.projenrc, result.report]);
  });
});

test('yamllintAll finds a problem in the second of two files, at its own line', () => {
  const found = yamllintAll([['a.yml', 'a: 1\n'], ['b.yml', 'b: 1\nb: 2\n']]);
  expect(found.map((f) => [f.file, f.line, f.rule])).toEqual([['b.yml', 2, 'key-duplicates']]);
});

afterAll(() => {
  const timings = [...imported.values()].map((i) => `${i.app.name} ${i.synthMs} ms`).join(', ');
  if (timings) process.stdout.write(`copilot import synthesis: ${timings}\n`);
});

// ---------------------------------------------------------------------------------------------------------------
// Bad manifests.

/** The line (1-based) of the first line of `file` that contains `marker`. */
function lineOf(dir: string, file: string, marker: string): number {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`${marker} is not in ${file}`);
  return i + 1;
}

const BAD_CASES: Array<{ app: string; problems: Array<{ file: string; marker: string; property?: string }> }> = [
  { app: 'invalid-yaml', problems: [{ file: 'copilot/api/manifest.yml', marker: '\tport:' }] },
  { app: 'unknown-type', problems: [{ file: 'copilot/batch/manifest.yml', marker: 'type: Batch Job', property: 'type' }] },
  { app: 'wrong-type', problems: [{ file: 'copilot/api/manifest.yml', marker: "path: ['/health'", property: 'http.healthcheck.path' }] },
  {
    app: 'several',
    problems: [
      { file: 'copilot/api/manifest.yml', marker: 'port: eighty', property: 'image.port' },
      { file: 'copilot/worker/manifest.yml', marker: 'range: true', property: 'count.range' },
    ],
  },
];

describe.each(BAD_CASES)('bad manifests: $app', ({ app, problems }) => {
  test('a ShipshapeError names every file, line and field; nothing is written', () => {
    const dir = copyDir(path.join(BAD, app), fs.mkdtempSync(path.join(scratch, `bad-${app}-`)));
    const before = tree(dir);
    let error: unknown;
    try {
      writeImport(dir, importCopilot(dir, {}), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShipshapeError);
    const found = (error as ShipshapeError).problems;
    expect(found.every((p) => p.code === 'SS-COPILOT-MANIFEST')).toBe(true);
    for (const p of problems) {
      const at = `${p.file}:${lineOf(dir, p.file, p.marker)}`;
      expect(found.map((f) => f.path)).toContain(at);
      if (p.property) expect(found.filter((f) => f.path === at).map((f) => f.property)).toContain(p.property);
    }
    expect(tree(dir)).toEqual(before);
  });
});
