/**
 * Copilot manifests → the import plan: what shipshape declares for each environment, workload and pipeline, and the
 * report of where each Copilot field went (or why it did not). No I/O: the caller reads the files.
 */
import { posix } from 'path';
import { EnvironmentManifest, LoadedManifest, MANIFEST_CODE, PipelineManifest, WorkloadFields, WorkloadManifest, goDurationSeconds } from './manifest';
import { translateSchedule } from './schedule';
import { problem, Problem } from '../../core/errors';
import { serviceUrlVariable, topicArnVariable } from '../../core/naming';

/** Features shipshape may or may not have yet; the generator emits their code only when on. */
export interface ImportFeatures {
  /** Per-environment overrides (`environments:` on Service, Worker, ScheduledJob). */
  readonly overrides: boolean;
  /** ECS Exec (`exec: true` on Service and Worker). */
  readonly exec: boolean;
}

/** Where a Copilot field went, or why it did not. */
export interface ReportEntry {
  /**
   * `mapped`: carried to the named shipshape prop; `not-carried`: no equivalent (kept nowhere); `fill-in`: a value the
   * manifests do not hold (account, reviewers...); `code-change`: the application's code must change (a variable name).
   */
  readonly kind: 'mapped' | 'not-carried' | 'fill-in' | 'code-change';
  /** The manifest, relative to the application directory, for example `copilot/api/manifest.yml`. */
  readonly manifest: string;
  readonly line?: number;
  /** The Copilot field path, for example `http.alias`. */
  readonly field: string;
  /** What shipshape declares instead (`Service.host`), or the note. */
  readonly note: string;
}

export type PlanEnvValue = { readonly value: string } | { readonly secret: string };

export interface PlanScaling {
  readonly min: number;
  readonly max: number;
  readonly target?: { readonly metric: 'cpu' | 'memory' | 'requests'; readonly value: number };
  /** A worker's backlog per task. */
  readonly messagesPerTask?: number;
}

/** What may differ by environment. */
export interface PlanOverride {
  readonly env?: Readonly<Record<string, PlanEnvValue>>;
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly scaling?: PlanScaling;
}

/** A `// Copilot: <field> (<manifest>:<line>) has no equivalent: <note>` comment at the construct. */
export interface PlanComment {
  readonly field: string;
  readonly line: number;
  readonly note: string;
}

export interface PlanImage {
  readonly contextPath: string;
  /** The Dockerfile shipshape generates, beside the user's. */
  readonly dockerfilePath: string;
  /** The user's Dockerfile (kept as it is), if the manifest builds one. */
  readonly userDockerfile?: string;
  readonly preset: 'node' | 'python' | 'go';
  /** True when no package.json, requirements.txt/pyproject.toml or go.mod said which. */
  readonly presetGuessed: boolean;
  /** The workload that already builds from this context: then this one has no DockerImage (one per directory). */
  readonly sharedWith?: string;
}

export interface PlanWorkload {
  readonly name: string;
  /** The TypeScript variable name in the generated file. */
  readonly variable: string;
  readonly kind: 'service' | 'worker' | 'job';
  readonly copilotType: string;
  readonly manifest: string;
  readonly internal?: boolean;
  readonly port?: number;
  readonly healthPath?: string;
  readonly host?: string;
  readonly path?: string;
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly scaling?: PlanScaling;
  readonly env: Readonly<Record<string, PlanEnvValue>>;
  /** By environment name: what differs there (generated only with the overrides feature). */
  readonly overrides: Readonly<Record<string, PlanOverride>>;
  readonly calls: readonly string[];
  readonly publishes: boolean;
  readonly subscribe: readonly string[];
  readonly queue?: { readonly visibilityTimeoutSeconds?: number; readonly maxReceiveCount?: number; readonly retentionSeconds?: number };
  readonly healthCommand?: readonly string[];
  readonly schedule?: string;
  readonly retries?: number;
  readonly timeoutSeconds?: number;
  readonly command?: readonly string[];
  readonly exec: boolean;
  readonly image: PlanImage;
  readonly comments: readonly PlanComment[];
}

export interface PlanEnvironment {
  readonly name: string;
  readonly manifest?: string;
  readonly account: string;
  readonly region: string;
  /** True when account and region are placeholders to fill in. */
  readonly placeholder: boolean;
  readonly network?: { readonly vpcId: string; readonly publicSubnets: readonly string[]; readonly privateSubnets: readonly string[] };
  readonly domain?: { readonly name: string; readonly certificateArn?: string; readonly hostedZoneId?: string; readonly placeholder: boolean };
  readonly approval: boolean;
  readonly rolling: boolean;
  /** Plain variables every workload of the environment gets. */
  readonly variables: Readonly<Record<string, string>>;
  /** Secret references (Secrets Manager names, with an optional JSON field) every workload of the environment gets. */
  readonly secrets: Readonly<Record<string, { readonly name: string; readonly field?: string }>>;
  readonly comments: readonly PlanComment[];
}

export interface PlanPipeline {
  readonly manifest: string;
  readonly name: string;
  readonly branch?: string;
  readonly smokeTest?: string;
}

/** The intermediate model of an import: what the generated `.projenrc.ts` declares. */
export interface ImportPlan {
  readonly app: string;
  readonly repository: string;
  readonly repositoryPlaceholder: boolean;
  readonly environments: readonly PlanEnvironment[];
  readonly workloads: readonly PlanWorkload[];
  readonly pipeline?: PlanPipeline;
  readonly report: readonly ReportEntry[];
}

/** What the importer read, already checked against the schemas. */
export interface ImportInput {
  readonly app: string;
  readonly workloads: readonly LoadedManifest<WorkloadManifest>[];
  readonly environments: readonly LoadedManifest<EnvironmentManifest>[];
  readonly pipelines: readonly LoadedManifest<PipelineManifest>[];
  /** Addon templates, by path relative to the application directory (`copilot/api/addons/db.yml`). */
  readonly addons: readonly string[];
  /** True when the file exists, by path relative to the application directory. */
  readonly exists: (file: string) => boolean;
  /** True when the file exists and was written by hand (it lacks projen's generated-file marker). */
  readonly handWritten: (file: string) => boolean;
}

export interface ImportOptions {
  /** Account and region by environment name; others get placeholders to fill in. */
  readonly environments?: Readonly<Record<string, { readonly account: string; readonly region: string }>>;
}

export const PLACEHOLDER_ACCOUNT = '000000000000';
export const PLACEHOLDER_REGION = 'us-east-1';
export const PLACEHOLDER_ZONE = 'ZREPLACEWITHZONEID';
export const PLACEHOLDER_REVIEWERS = ['TODO-org/TODO-team'];

/** Fields the planner maps, per workload type; the rest are reported by name. */
const MAPPED_FIELDS = new Set([
  'name', 'type', 'image', 'http', 'cpu', 'memory', 'count', 'exec', 'variables', 'secrets', 'network', 'deployment', 'publish',
  'subscribe', 'on', 'retries', 'timeout', 'command', 'entrypoint', 'environments',
]);
/** Copilot fields with no shipshape equivalent, and the note the report gives. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  storage: 'EFS volumes and ephemeral storage settings (storage.volumes, storage.ephemeral) have no shipshape equivalent; an Environment.addStackCustomization escape hatch can add an EFS file system and mount',
  nlb: 'a Network Load Balancer has no shipshape equivalent (public services sit behind the shared Application Load Balancer)',
  sidecars: 'sidecar containers have no shipshape equivalent (Environment.addOverride on the task definition can add a container)',
  logging: 'FireLens log routing has no shipshape equivalent: logs go to CloudWatch Logs (awslogs)',
  observability: 'X-Ray tracing: use shipshape\'s Tracing construct',
  platform: 'shipshape builds and runs linux/amd64 images',
  taskdef_overrides: 'task definition overrides: re-create them with Environment.addOverride (a CloudFormation path on the task definition)',
  env_file: 'an env file in S3 has no shipshape equivalent: declare the variables in env',
};

const COPILOT_INJECTED: Record<string, string> = {
  COPILOT_SERVICE_DISCOVERY_ENDPOINT: 'use <NAME>_URL (http://<name>:<port>, set for each service in calls) instead of <name>.<env>.<app>.local',
  COPILOT_LB_DNS: 'the load balancer\'s DNS name is not a variable in shipshape: use the environment\'s domain',
  COPILOT_QUEUE_URI: 'use QUEUE_URL (the worker\'s queue)',
  COPILOT_TOPIC_QUEUE_URIS: 'one queue per worker in shipshape: use QUEUE_URL',
  COPILOT_SNS_TOPIC_ARNS: 'use <NAME>_TOPIC_ARN (the service\'s own events topic; one topic per service)',
  COPILOT_MOUNT_POINTS: 'no EFS volumes in shipshape',
};

const RESERVED = new Set(['project', 'new', 'delete', 'default', 'function', 'class', 'const', 'let', 'var', 'return', 'import', 'export', 'package',
  'interface', 'private', 'public', 'static', 'yield', 'await', 'enum', 'in', 'of', 'do', 'if', 'for', 'while', 'switch', 'case', 'this', 'super',
  'with', 'void', 'typeof', 'instanceof', 'try', 'catch', 'finally', 'throw', 'break', 'continue', 'debugger', 'else', 'extends', 'implements',
  'rolling', 'SETTINGS', 'createProject', 'require', 'module', 'exports']);

const KIND: Record<string, 'service' | 'worker' | 'job' | undefined> = {
  'Load Balanced Web Service': 'service', 'Backend Service': 'service', 'Worker Service': 'worker', 'Scheduled Job': 'job',
};

function camel(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = parts.map((p, i) => (i === 0 ? p.toLowerCase() : p[0].toUpperCase() + p.slice(1))).join('');
  return /^[0-9]/.test(id) ? `w${id}` : id || 'workload';
}

/** A shell-like split of Copilot's string command (`node dist/job.js --x "a b"`). */
export function splitCommand(command: string | readonly string[]): string[] {
  if (typeof command !== 'string') return [...command];
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function normalizePath(p: string): string {
  const n = posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '');
  return n === '' ? '.' : n;
}

function durationText(seconds: number): string {
  return seconds % 86400 === 0 ? `${seconds / 86400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

class Reporter {
  public readonly entries: ReportEntry[] = [];
  public readonly problems: Problem[] = [];
  constructor(private readonly m: { file: string; line(path: readonly (string | number)[]): number }) {}
  public add(kind: ReportEntry['kind'], path: readonly (string | number)[], note: string): void {
    this.entries.push({ kind, manifest: this.m.file, line: this.m.line(path), field: path.join('.'), note });
  }
  public comment(comments: PlanComment[], path: readonly (string | number)[], note: string): void {
    comments.push({ field: path.join('.'), line: this.m.line(path), note });
    this.add('not-carried', path, note);
  }
  public fail(path: readonly (string | number)[], got: unknown, expected: string): void {
    this.problems.push(problem(MANIFEST_CODE, `${this.m.file}:${this.m.line(path)}`, path.join('.'), got, expected));
  }
}

/** `${COPILOT_ENVIRONMENT_NAME}` and `${COPILOT_APPLICATION_NAME}` in a manifest value, as Copilot substitutes them. */
function substitute(value: string, app: string, env: string): string {
  return value.replace(/\$\{COPILOT_APPLICATION_NAME\}/g, app).replace(/\$\{COPILOT_ENVIRONMENT_NAME\}/g, env);
}

/** A Copilot secret → a Secrets Manager reference (name or ARN, and an optional JSON key), or why not. */
function secretRef(v: unknown): { name: string; field?: string; from: 'ssm' | 'secretsmanager' } | { error: string } {
  if (typeof v === 'string') {
    // An SSM parameter name or ARN: shipshape reads Secrets Manager; the name is kept, the secret must be there.
    const arn = /^arn:aws[a-z-]*:ssm:[^:]*:\d{12}:parameter(\/.*)$/.exec(v);
    return { name: arn ? arn[1] : v, from: 'ssm' };
  }
  const o = v as { secretsmanager?: string; from_cfn?: string };
  if (o.from_cfn !== undefined) return { error: `from_cfn (${o.from_cfn}): a CloudFormation export has no shipshape equivalent; put the secret in Secrets Manager and reference it by name` };
  const sm = o.secretsmanager!;
  // Copilot's `<name or ARN>:<json-key>:<version-stage>:<version-id>`.
  const arn = /^(arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:[^:]+)(?::([^:]*):([^:]*):([^:]*))?$/.exec(sm);
  const named = /^([^:]+)(?::([^:]*):([^:]*):([^:]*))?$/.exec(sm);
  const m = arn ?? named;
  if (!m) return { error: `a Secrets Manager reference shipshape can read (got '${sm}')` };
  if (m[3] || m[4]) return { error: `a version stage or id (${sm}): shipshape reads the current version` };
  return { name: m[1], ...(m[2] ? { field: m[2] } : {}), from: 'secretsmanager' };
}

/** Turn Copilot manifests into an import plan, and every problem of them (thrown by the caller). */
export function planFromManifests(input: ImportInput, options: ImportOptions, features: ImportFeatures): { plan: ImportPlan; problems: Problem[] } {
  const report: ReportEntry[] = [];
  const problems: Problem[] = [];
  const app = input.app;
  const workloads = [...input.workloads].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const pipeline = [...input.pipelines].sort((a, b) => (a.file < b.file ? -1 : 1))[0];

  // Environments: the pipeline's stage order first, then the other manifests by name.
  const envManifests = new Map(input.environments.map((e) => [e.data.name, e]));
  const names: string[] = [];
  for (const s of pipeline?.data.stages ?? []) if (!names.includes(s.name)) names.push(s.name);
  for (const n of [...envManifests.keys()].sort()) if (!names.includes(n)) names.push(n);
  for (const p of input.pipelines.slice(1)) {
    report.push({ kind: 'not-carried', manifest: p.file, line: 1, field: 'name', note: `a second pipeline (${p.data.name}): shipshape's Pipeline deploys every environment in one order; the first pipeline (${pipeline!.file}) was imported` });
  }

  // Workloads: the supported kinds become constructs; the others are reported.
  const supported = workloads.filter((w) => KIND[w.data.type] !== undefined);
  for (const w of workloads.filter((x) => KIND[x.data.type] === undefined)) {
    const note = w.data.type === 'Static Site'
      ? 'a Static Site (S3 + CloudFront) has no shipshape equivalent; host it with your CDN of choice'
      : 'a Request-Driven Web Service (App Runner) has no shipshape equivalent; import it as a Load Balanced Web Service by changing its type to run it on ECS';
    report.push({ kind: 'not-carried', manifest: w.file, line: w.line(['type']), field: 'type', note: `${w.data.type} '${w.data.name}' not imported: ${note}` });
  }
  for (const a of [...input.addons].sort()) {
    report.push({ kind: 'not-carried', manifest: a, field: '(addon)', note: 'an addon template is not imported; add its resources with Environment.addStackCustomization (aws-cdk-lib) or keep deploying it with CloudFormation' });
  }
  const byName = new Map(supported.map((w) => [w.data.name, w]));
  const variables = new Set<string>();
  const variableOf = (w: LoadedManifest<WorkloadManifest>) => {
    let v = camel(w.data.name);
    if (RESERVED.has(v) || variables.has(v)) v = `${v}${KIND[w.data.type] === 'service' ? 'Service' : KIND[w.data.type] === 'worker' ? 'Worker' : 'Job'}`;
    while (variables.has(v)) v = `${v}_`;
    variables.add(v);
    return v;
  };

  // Override keys that name no known environment.
  for (const w of supported) {
    for (const env of Object.keys(w.data.environments ?? {})) {
      if (!names.includes(env)) {
        report.push({ kind: 'not-carried', manifest: w.file, line: w.line(['environments', env]), field: `environments.${env}`, note: `overrides for '${env}', which has no environment manifest and no pipeline stage: not imported` });
      }
    }
  }

  const publicServices = supported.filter((w) => w.data.type === 'Load Balanced Web Service');
  const backendNames = supported.filter((w) => w.data.type === 'Backend Service').map((w) => w.data.name).sort();
  const topicPublishers = new Set<string>();
  for (const w of supported) for (const t of w.data.subscribe?.topics ?? []) topicPublishers.add(t.service);

  // Domains: each environment's from the public services' aliases there, else a placeholder.
  const aliasOf = (w: LoadedManifest<WorkloadManifest>, env: string) => {
    const a = w.data.environments?.[env]?.http !== false ? (w.data.environments?.[env]?.http as { alias?: unknown } | undefined)?.alias : undefined;
    const base = w.data.http !== false ? w.data.http?.alias : undefined;
    const first = (x: unknown): string | undefined => (Array.isArray(x) ? first(x[0]) : typeof x === 'string' ? x : (x as { name?: string } | undefined)?.name);
    return first(a ?? base);
  };
  const domains = new Map<string, { name: string; placeholder: boolean }>();
  for (const env of names) {
    if (publicServices.length === 0) break;
    const alias = publicServices.map((w) => aliasOf(w, env)).find((a) => a !== undefined);
    const labels = alias?.split('.') ?? [];
    let name = alias === undefined ? `${env}.${app}.example.com` : labels.length <= 2 ? alias : labels.slice(1).join('.');
    let placeholder = alias === undefined;
    if ([...domains.values()].some((d) => d.name === name)) {
      name = `${env}.${name}`;
      placeholder = true;
    }
    domains.set(env, { name: name.toLowerCase(), placeholder });
  }

  // Plan each workload.
  const contexts = new Map<string, string[]>();
  for (const w of supported) {
    const c = contextOf(w);
    contexts.set(c, [...(contexts.get(c) ?? []), w.data.name]);
  }
  const planned: PlanWorkload[] = [];
  for (const w of supported) {
    const r = new Reporter(w);
    const context: Context = {
      app, names, domains, byName, backendNames, topicPublishers, aliasOf, input, features, variable: variableOf(w), contexts,
    };
    const plan = planWorkload(w, r, context);
    planned.push(plan);
    report.push(...r.entries);
    problems.push(...r.problems);
  }

  // Two public services on the same host and path would take each other's traffic: give the later ones a host.
  const routes = new Map<string, string>();
  for (let i = 0; i < planned.length; i++) {
    const p = planned[i];
    if (p.kind !== 'service' || p.internal) continue;
    const key = `${p.host ?? ''}|${p.path ?? ''}`;
    if (routes.has(key)) {
      planned[i] = { ...p, host: p.name };
      report.push({ kind: 'fill-in', manifest: p.manifest, line: 1, field: 'http.alias', note: `served on host '${p.name}' (${routes.get(key)} already answers the same host and path); set Service.host to the name you want` });
    } else {routes.set(key, p.name);}
  }

  // Environments.
  const environments: PlanEnvironment[] = names.map((name) =>
    planEnvironment(name, envManifests.get(name), domains.get(name), options, report, problems, pipeline));
  for (const w of supported) {
    if (w.data.deployment?.rolling === 'recreate') {
      report.push({ kind: 'not-carried', manifest: w.file, line: w.line(['deployment', 'rolling']), field: 'deployment.rolling', note: "'recreate' (stop every task, then start new ones) has no shipshape equivalent: the environments roll (DeploymentStrategy.rolling(), new tasks first)" });
    } else if (w.data.deployment?.rolling === 'default') {
      report.push({ kind: 'mapped', manifest: w.file, line: w.line(['deployment', 'rolling']), field: 'deployment.rolling', note: 'Environment.strategy: DeploymentStrategy.rolling()' });
    }
  }

  // Values that differ by environment: overrides when shipshape has them, else the environment's own variables.
  const liftedEnvs = splitByEnvironment(planned, environments, byName, app, features, report);

  // Pipeline.
  let planPipeline: PlanPipeline | undefined;
  let repository = `TODO-org/${app}`;
  let repositoryPlaceholder = true;
  if (pipeline) {
    const r = new Reporter(pipeline);
    const src = pipeline.data.source;
    const repo = src?.properties?.repository;
    const gh = repo && /github\.com[/:]([A-Za-z0-9-]+\/[A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(repo);
    if (gh) {
      repository = gh[1];
      repositoryPlaceholder = false;
      r.add('mapped', ['source', 'properties', 'repository'], `Shipshape.configure repository '${repository}'`);
    } else if (repo) {r.add('fill-in', ['source', 'properties', 'repository'], `not a GitHub repository (${src?.provider ?? 'unknown provider'}): shipshape's pipeline runs on GitHub Actions; set SETTINGS.repository`);}
    if (src?.provider && src.provider !== 'GitHub') r.add('not-carried', ['source', 'provider'], `${src.provider}: shipshape's pipeline runs on GitHub Actions`);
    const commands = new Map<string, string>();
    pipeline.data.stages.forEach((s, i) => {
      r.add('mapped', ['stages', i, 'name'], `Environment '${s.name}', declared in this order (Pipeline deploys in declaration order)`);
      if (s.requires_approval) r.add('fill-in', ['stages', i, 'requires_approval'], `Environment '${s.name}' approval: reviewers ${PLACEHOLDER_REVIEWERS.join(', ')} are placeholders: put the GitHub users or teams who approve`);
      if (s.test_commands?.length) commands.set(s.name, s.test_commands.join(' && '));
      for (const k of Object.keys(s)) {
        if (!['name', 'requires_approval', 'test_commands'].includes(k)) r.add('not-carried', ['stages', i, k], `${k}: no shipshape equivalent in the pipeline (deploy order is the environments' order; pre/post deployment actions become steps with Pipeline patches)`);
      }
    });
    const distinct = [...new Set(commands.values())];
    const smokeTest = distinct.length > 0 ? distinct.join(' && ') : undefined;
    pipeline.data.stages.forEach((s, i) => {
      if (!s.test_commands?.length) return;
      r.add(distinct.length > 1 || commands.size < pipeline.data.stages.length ? 'fill-in' : 'mapped', ['stages', i, 'test_commands'],
        `Pipeline deploy.smokeTest, which runs after every environment's deploy${distinct.length > 1 || commands.size < pipeline.data.stages.length ? ' (Copilot ran them after this stage only: check they suit every environment)' : ''}`);
    });
    if (src?.properties?.branch) r.add('mapped', ['source', 'properties', 'branch'], `Pipeline branch '${src.properties.branch}'`);
    for (const k of Object.keys(pipeline.data)) {
      if (!['name', 'version', 'source', 'stages'].includes(k)) r.add('not-carried', [k], `${k}: the pipeline's build runs on GitHub Actions (Pipeline checks)`);
    }
    report.push(...r.entries);
    const branch = src?.properties?.branch;
    planPipeline = { manifest: pipeline.file, name: pipeline.data.name, ...(branch ? { branch } : {}), ...(smokeTest ? { smokeTest } : {}) };
  }
  if (repositoryPlaceholder) report.push({ kind: 'fill-in', manifest: pipeline?.file ?? 'copilot/.workspace', field: 'repository', note: `SETTINGS.repository is a placeholder ('${repository}'): the GitHub repository, as owner/name, that deploys the application` });

  return {
    plan: {
      app,
      repository,
      repositoryPlaceholder,
      environments: liftedEnvs,
      workloads: planned,
      ...(planPipeline ? { pipeline: planPipeline } : {}),
      report,
    },
    problems,
  };
}

type EnvValue = PlanEnvValue | { secretField: { name: string; field: string } };

function secretText(v: EnvValue | undefined): string {
  if (v === undefined) return 'unset';
  if ('secretField' in v) return `${v.secretField.name}, key ${v.secretField.field}`;
  return 'secret' in v ? v.secret : '(a plain value)';
}

/**
 * Each workload's variables and secrets, split: the ones with one value in every environment stay on the workload;
 * the others become per-environment overrides (when shipshape has them), else each Environment's own variables or
 * secrets (which every workload of the environment gets) when no other workload declares that name; else the
 * workload keeps its manifest's own value and the per-environment ones are reported.
 */
function splitByEnvironment(planned: PlanWorkload[], environments: readonly PlanEnvironment[],
  byName: ReadonlyMap<string, LoadedManifest<WorkloadManifest>>,
  app: string, features: ImportFeatures, report: ReportEntry[]): PlanEnvironment[] {
  const names = environments.map((e) => e.name);
  const lifted = environments.map((e) => ({ ...e, variables: { ...e.variables }, secrets: { ...e.secrets } }));
  // Pass 1: every workload's values by name, in each environment.
  const split = planned.map((p) => {
    const w = byName.get(p.name)!;
    const perEnv = names.map((env) => effectiveEnv(w, env, app));
    const keys = [...new Set(perEnv.flatMap((m) => [...m.keys()]))].sort();
    const base: Record<string, PlanEnvValue> = { ...p.env };
    const varying: { key: string; values: (EnvValue | undefined)[] }[] = [];
    const callVariables = new Map(p.calls.map((c) => [serviceUrlVariable(c), c]));
    for (const key of keys) {
      const values = perEnv.map((m) => m.get(key));
      if (callVariables.has(key)) {
        const where = valueLine(w, key);
        report.push({
          kind: 'mapped',
          manifest: w.file,
          line: where.line,
          field: where.field,
          note: `set by Service.calls (${callVariables.get(key)}): ${key}=http://${callVariables.get(key)}:<port>, through Service Connect in AWS and the compose network locally`,
        });
        continue;
      }
      const same = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
      if (same && values[0] !== undefined && !('secretField' in values[0])) base[key] = values[0];
      else varying.push({ key, values });
    }
    return { w, base, varying };
  });
  // Pass 2: where each varying one goes.
  split.forEach(({ w, base, varying }, i) => {
    const overrides: Record<string, PlanOverride> = {};
    const comments: PlanComment[] = [...planned[i].comments];
    for (const { key, values } of varying) {
      const where = valueLine(w, key);
      const entry = (kind: ReportEntry['kind'], note: string) => report.push({ kind, manifest: w.file, line: where.line, field: where.field, note });
      const field = values.some((v) => v !== undefined && 'secretField' in v);
      if (features.overrides && !field) {
        names.forEach((env, j) => {
          const v = values[j] as PlanEnvValue | undefined;
          if (v !== undefined) overrides[env] = { ...overrides[env], env: { ...overrides[env]?.env, [key]: v } };
        });
        entry('mapped', `differs by environment: ${planned[i].variable}'s environments.<env>.env.${key}`);
        continue;
      }
      if (values.some((v) => v !== undefined && !('value' in v))) {
        // A secret is never made environment-wide: every workload of the environment could then read it.
        const shown = names.map((env, j) => `${env}: ${secretText(values[j])}`).join('; ');
        const note = `${field ? 'a JSON key of a secret' : 'a secret that differs by environment'} (${shown}) is not referenced: `
          + `${field ? 'shipshape references a whole secret; store that key as a secret of its own' : 'per-environment secrets need per-environment overrides'}, and an Environment's secrets would let every workload there read it`;
        comments.push({ field: where.field, line: where.line, note });
        entry('fill-in', note);
        continue;
      }
      const differs = (v: { key: string; values: unknown }) => v.key === key && JSON.stringify(v.values) !== JSON.stringify(values);
      const others = split.filter((o) => o.w !== w && (o.base[key] !== undefined || o.varying.some(differs)));
      if (others.length === 0) {
        names.forEach((_env, j) => {
          const v = values[j];
          if (v !== undefined && 'value' in v) lifted[j].variables[key] = v.value;
        });
        entry('mapped', `differs by environment: each Environment's variables.${key}, which every workload of the environment gets`);
        continue;
      }
      // Another workload has its own value: an environment-wide one would replace it there.
      const own = [w.data.variables?.[key], w.data.secrets?.[key]].find((v) => v !== undefined);
      const ownValue = own === undefined ? undefined : effectiveEnv({ ...w, data: { ...w.data, environments: undefined } }, '${COPILOT_ENVIRONMENT_NAME}', app).get(key);
      const keep = ownValue !== undefined && !('secretField' in ownValue) && !JSON.stringify(ownValue).includes('${') ? ownValue : undefined;
      if (keep) base[key] = keep;
      const shown = names.map((env, j) => `${env}: ${values[j] === undefined ? 'unset' : JSON.stringify(values[j])}`).join('; ');
      entry('fill-in', `differs by environment (${shown}), and ${others.map((o) => o.w.data.name).join(', ')} declare(s) ${key} too, so it cannot be set environment-wide: `
        + `${keep ? 'the manifest\'s own value is used everywhere' : 'not set'}; give each environment its value with per-environment overrides`);
    }
    planned[i] = { ...planned[i], env: base, overrides: mergeOverrides(planned[i].overrides, overrides), comments };
  });
  return lifted;
}

function mergeOverrides(a: Readonly<Record<string, PlanOverride>>, b: Readonly<Record<string, PlanOverride>>): Record<string, PlanOverride> {
  const out: Record<string, PlanOverride> = { ...a };
  for (const [env, o] of Object.entries(b)) {
    out[env] = { ...out[env], ...o, ...(o.env || out[env]?.env ? { env: { ...out[env]?.env, ...o.env } } : {}) };
  }
  return out;
}

function valueLine(w: LoadedManifest<WorkloadManifest>, key: string): { line: number; field: string } {
  const section = w.data.variables?.[key] !== undefined ? 'variables' : w.data.secrets?.[key] !== undefined ? 'secrets' : undefined;
  if (section) return { line: w.line([section, key]), field: `${section}.${key}` };
  for (const [env, o] of Object.entries(w.data.environments ?? {})) {
    for (const s of ['variables', 'secrets'] as const) if (o?.[s]?.[key] !== undefined) return { line: w.line(['environments', env, s, key]), field: `environments.${env}.${s}.${key}` };
  }
  return { line: 1, field: key };
}

/** A variable the workload keeps: upper-case (shipshape's rule), not one Copilot injected, not a worker's QUEUE_URL. */
function importable(w: LoadedManifest<WorkloadManifest>, name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) && !COPILOT_INJECTED[name] && !(w.data.type === 'Worker Service' && name === 'QUEUE_URL');
}

/** A workload's variables and secrets in one environment, Copilot's substitutions done. */
function effectiveEnv(w: LoadedManifest<WorkloadManifest>, env: string, app: string): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  const o = w.data.environments?.[env] ?? undefined;
  const vars = { ...w.data.variables, ...o?.variables };
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'object' || !importable(w, k)) continue;
    // <name>.<env>.<app>.local → <name>: the Service Connect alias, on the same port, in every environment.
    out.set(k, { value: substitute(String(v), app, env).replace(discoveryPattern(app, [env]), '$1') });
  }
  const secrets = { ...w.data.secrets, ...o?.secrets };
  for (const [k, v] of Object.entries(secrets)) {
    const ref = secretRef(v);
    if ('error' in ref || !importable(w, k)) continue;
    const name = substitute(ref.name, app, env);
    out.set(k, ref.field ? { secretField: { name, field: ref.field } } : { secret: name });
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A service discovery name of Copilot, `<name>.<env>.<app>.local`, with the names or their `${...}` placeholders. */
function discoveryPattern(app: string, envs: readonly string[]): RegExp {
  const env = ['\\$\\{COPILOT_ENVIRONMENT_NAME\\}', ...envs.map(escapeRegExp)].join('|');
  const application = ['\\$\\{COPILOT_APPLICATION_NAME\\}', escapeRegExp(app)].join('|');
  return new RegExp(`\\b([a-z][a-z0-9-]*)\\.(?:${env})\\.(?:${application})\\.local\\b`, 'g');
}

/** The services of the application a workload's variables reach by their service discovery names. */
function discoveredServices(d: WorkloadManifest, ctx: Context): string[] {
  const out = new Set<string>();
  const values = [d.variables, ...Object.values(d.environments ?? {}).map((o) => o?.variables)].flatMap((v) => Object.values(v ?? {}));
  for (const v of values) {
    if (typeof v !== 'string') continue;
    for (const m of v.matchAll(discoveryPattern(ctx.app, ctx.names))) {
      const target = ctx.byName.get(m[1]);
      if (target && KIND[target.data.type] === 'service') out.add(m[1]);
    }
  }
  return [...out].sort();
}

interface Context {
  readonly app: string;
  readonly names: readonly string[];
  readonly domains: ReadonlyMap<string, { name: string; placeholder: boolean }>;
  readonly byName: ReadonlyMap<string, LoadedManifest<WorkloadManifest>>;
  readonly backendNames: readonly string[];
  readonly topicPublishers: ReadonlySet<string>;
  readonly aliasOf: (w: LoadedManifest<WorkloadManifest>, env: string) => string | undefined;
  readonly input: ImportInput;
  readonly features: ImportFeatures;
  readonly variable: string;
  /** The workloads that build from each context directory, in manifest order. */
  readonly contexts: ReadonlyMap<string, readonly string[]>;
}

function planWorkload(w: LoadedManifest<WorkloadManifest>, r: Reporter, ctx: Context): PlanWorkload {
  const d = w.data;
  const kind = KIND[d.type]!;
  const comments: PlanComment[] = [];
  const lbws = d.type === 'Load Balanced Web Service';

  // Fields with no equivalent, and fields the importer does not know.
  for (const key of Object.keys(d)) {
    if (UNSUPPORTED_FIELDS[key]) r.comment(comments, [key], UNSUPPORTED_FIELDS[key]);
    else if (!MAPPED_FIELDS.has(key)) r.add('not-carried', [key], `'${key}' is not a field the importer knows for a ${d.type}: not imported`);
  }

  // The image.
  const image = planImage(w, r, ctx);

  // Port and HTTP.
  const http = d.http === false ? undefined : d.http;
  let port: number | undefined;
  let healthPath: string | undefined;
  let host: string | undefined;
  let path: string | undefined;
  if (kind === 'service') {
    port = d.image?.port;
    if (port !== undefined) r.add('mapped', ['image', 'port'], `${d.name}: Service.port ${port}`);
    else r.add('fill-in', ['image'], 'no image.port: shipshape\'s Service listens on port 8080 by default; set port to the one the process listens on');
    const hc = http?.healthcheck;
    const hcPath = typeof hc === 'string' ? hc : hc?.path;
    if (hcPath !== undefined) {
      healthPath = hcPath.startsWith('/') ? hcPath : `/${hcPath}`;
      r.add('mapped', ['http', 'healthcheck', ...(typeof hc === 'string' ? [] : ['path'])], `Service.healthPath '${healthPath}'`);
    } else if (lbws) {
      healthPath = '/';
      r.add('mapped', ['http'], "Service.healthPath '/' (Copilot's default health check path)");
    } else {
      healthPath = '/';
      r.add('fill-in', ['image'], "no http.healthcheck: the Service's container health check probes healthPath, '/' here (Copilot's default path): set a path that answers 200");
    }
    if (typeof hc === 'object') {
      for (const k of Object.keys(hc).filter((x) => x !== 'path')) {
        r.comment(comments, ['http', 'healthcheck', k], `health check ${k.replace(/_/g, ' ')}: shipshape sets the target group's timings itself`);
      }
    }
    if (http && lbws) {
      const p = http.path;
      if (p !== undefined && p !== '/' && p !== '') {
        path = `/${p.replace(/^\/+/, '').replace(/\/+$/, '')}`;
        r.add('mapped', ['http', 'path'], `Service.path '${path}'`);
        if (healthPath !== undefined && healthPath !== path && !healthPath.startsWith(`${path}/`)) {
          const moved = `${path}${healthPath === '/' ? '' : healthPath}`;
          r.add('code-change', ['http', 'healthcheck'], `the load balancer checks health through the service's path: healthPath is '${moved}' (was '${healthPath}'); the service must answer there`);
          healthPath = moved;
        }
      } else if (p !== undefined) {r.add('mapped', ['http', 'path'], 'the whole host (no Service.path)');}
      const alias = ctx.names.map((env) => ({ env, alias: ctx.aliasOf(w, env) })).filter((a) => a.alias !== undefined);
      const labels = new Set<string>();
      for (const a of alias) {
        const domain = ctx.domains.get(a.env)!.name;
        const value = a.alias!.toLowerCase();
        if (value === domain) labels.add('');
        else if (value.endsWith(`.${domain}`) && !value.slice(0, -domain.length - 1).includes('.')) labels.add(value.slice(0, -domain.length - 1));
        else r.add('fill-in', ['http', 'alias'], `'${a.alias}' in ${a.env} is not under that environment's domain (${domain}): served on the host below`);
      }
      const [label] = [...labels];
      if (label) host = label;
      if (alias.length > 0) r.add(labels.size > 1 ? 'fill-in' : 'mapped', ['http', 'alias'], `Service.host ${label ? `'${label}'` : '(none: the domain itself)'} under each Environment's domain${labels.size > 1 ? ` (the environments used different labels: ${[...labels].join(', ')})` : ''}`);
      const aliases = Array.isArray(http.alias) ? http.alias : [];
      if (aliases.length > 1) r.comment(comments, ['http', 'alias'], `${aliases.length - 1} more alias(es): a shipshape service answers one host`);
    } else if (http && (http.path !== undefined || http.alias !== undefined)) {
      r.comment(comments, ['http'], "an internal load balancer's path and alias: shipshape's internal services are reached through Service Connect (http://<name>:<port>)");
    }
    for (const k of Object.keys(http ?? {}).filter((x) => !['path', 'alias', 'healthcheck'].includes(x))) {
      r.comment(comments, ['http', k], `http.${k} has no shipshape equivalent`);
    }
  } else if (d.http !== undefined) {r.comment(comments, ['http'], `a ${d.type} has no HTTP listener in shipshape`);}
  if (kind !== 'service' && d.image?.port !== undefined) r.comment(comments, ['image', 'port'], `a ${d.type} has no port in shipshape`);

  // Size.
  if (d.cpu !== undefined) r.add('mapped', ['cpu'], `cpu ${d.cpu}`);
  if (d.memory !== undefined) r.add('mapped', ['memory'], `memoryMiB ${d.memory}`);

  // Scaling.
  const scaling = kind === 'job' ? undefined : planCount(d, [], r, comments, kind, lbws);
  if (kind === 'job' && d.count !== undefined) r.comment(comments, ['count'], 'a scheduled job runs one task per run');

  // Variables and secrets (Copilot's injected names become shipshape's).
  const env: Record<string, PlanEnvValue> = {};
  const addEnv = (k: string, v: PlanEnvValue) => {
    env[k] = v;
  };
  addEnv('COPILOT_APPLICATION_NAME', { value: ctx.app });
  addEnv('COPILOT_SERVICE_NAME', { value: d.name });
  r.add('mapped', ['name'], `${d.name}: ${kind === 'service' ? (lbws ? 'Service (public)' : 'Service (internal)') : kind === 'worker' ? 'Worker' : 'ScheduledJob'}; COPILOT_APPLICATION_NAME and COPILOT_SERVICE_NAME kept as variables with Copilot's values`);
  for (const [section, entries] of [['variables', d.variables], ['secrets', d.secrets]] as const) {
    for (const [k, v] of Object.entries(entries ?? {})) {
      const at = [section, k];
      if (COPILOT_INJECTED[k]) {
        r.add('code-change', at, `${k}: ${COPILOT_INJECTED[k]}`);
        continue;
      }
      if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) {
        r.comment(comments, at, `'${k}' is not an upper-case name, which shipshape requires of a variable: give it as ${k.toUpperCase().replace(/[^A-Z0-9_]/g, '_')} and read that name`);
        continue;
      }
      if (kind === 'worker' && k === 'QUEUE_URL') {
        r.add('mapped', at, "QUEUE_URL is set by shipshape to the worker's own queue");
        continue;
      }
      if (section === 'variables') {
        if (typeof v === 'object') {r.comment(comments, at, `from_cfn (${(v as { from_cfn: string }).from_cfn}): a CloudFormation export has no shipshape equivalent; give the value`);} else {
          if (/\$\{(?!COPILOT_APPLICATION_NAME\}|COPILOT_ENVIRONMENT_NAME\})[A-Za-z_]+\}/.test(String(v))) r.add('fill-in', at, `${String(v)}: Copilot substituted this shell variable at deploy time; shipshape keeps the text as it is`);
          const perEnv = String(v).includes('${COPILOT_ENVIRONMENT_NAME}') || Object.values(d.environments ?? {}).some((o) => o?.variables?.[k] !== undefined);
          if (!perEnv) r.add('mapped', at, `env.${k} (a plain value)`);
        }
      } else {
        const ref = secretRef(v);
        if ('error' in ref) r.comment(comments, at, ref.error);
        else if (ref.from === 'ssm') r.add('fill-in', at, `a Secrets Manager secret named '${substitute(ref.name, ctx.app, '<env>')}': Copilot read an SSM parameter of that name; copy its value into Secrets Manager under the same name`);
        else r.add('mapped', at, `env.${k}: a Secrets Manager reference ('${ref.name}'${ref.field ? `, JSON key ${ref.field}` : ''})`);
      }
    }
  }
  const injected = new Set(Object.keys(COPILOT_INJECTED));
  if (kind === 'worker' && !Object.keys({ ...d.variables, ...d.secrets }).some((k) => injected.has(k))) {
    r.add('code-change', ['subscribe'], 'COPILOT_QUEUE_URI: read QUEUE_URL instead (the worker\'s queue URL)');
  }
  if ((d.publish?.topics ?? []).length > 0) r.add('code-change', ['publish'], `COPILOT_SNS_TOPIC_ARNS: read ${topicArnVariable(d.name)} instead (this service's events topic ARN)`);

  // Service Connect calls: a public service calls every backend (as Copilot allowed); a service whose variables
  // name another by its service discovery name (<name>.<env>.<app>.local) calls that one.
  const calls: string[] = [];
  if (kind === 'service') {
    if (lbws) for (const b of ctx.backendNames) if (b !== d.name) calls.push(b);
    for (const callee of discoveredServices(d, ctx)) if (callee !== d.name && !calls.includes(callee)) calls.push(callee);
    calls.sort();
    if (calls.length > 0) {
      r.add('mapped', ['name'], `Service.calls: ${calls.join(', ')} (Copilot let every service call every other; each call sets ${calls.map(serviceUrlVariable).join(', ')}${lbws ? ': remove the ones it does not need' : ''})`);
      r.add('code-change', ['name'], `COPILOT_SERVICE_DISCOVERY_ENDPOINT: call ${calls.map((c) => `${serviceUrlVariable(c)} (http://${c}:<port>)`).join(', ')} instead of <name>.<env>.${ctx.app}.local`);
    }
  }
  if (d.network?.connect !== undefined) {
    r.add('mapped', ['network', 'connect'], kind === 'service' ? 'every shipshape service is in the environment\'s Service Connect namespace' : `a ${d.type} is a Service Connect client only through a Service's calls`);
  }
  if (typeof d.network?.connect === 'object') r.comment(comments, ['network', 'connect', 'alias'], 'a Service Connect alias: shipshape names it after the service');
  for (const k of Object.keys(d.network ?? {}).filter((x) => x !== 'connect')) r.comment(comments, ['network', k], `network.${k} (placement, security groups): shipshape places tasks in the private subnets with its own security groups`);

  // Topics.
  const topics = d.publish?.topics ?? [];
  const publishes = ctx.topicPublishers.has(d.name) || topics.length > 0;
  if (topics.length > 0) {
    if (kind !== 'service') r.comment(comments, ['publish'], `a ${d.type} cannot own a topic in shipshape (only a Service publishes)`);
    else r.add('mapped', ['publish', 'topics'], `Service.publishes: one events topic, ${d.name}-<env>-events${topics.length > 1 ? ` (Copilot had ${topics.length}: ${topics.map((t) => t.name).join(', ')}; publish them all to the one topic, with a message attribute to tell them apart)` : ''}`);
  }

  // Worker: subscriptions and the queue.
  const subscribe: string[] = [];
  let queue: PlanWorkload['queue'];
  if (kind === 'worker') {
    (d.subscribe?.topics ?? []).forEach((t, i) => {
      const publisher = ctx.byName.get(t.service);
      if (!publisher || KIND[publisher.data.type] !== 'service') {
        r.comment(comments, ['subscribe', 'topics', i, 'service'], `'${t.service}' is not a service of this application that shipshape can give a topic`);
        return;
      }
      if (!subscribe.includes(t.service)) subscribe.push(t.service);
      r.add('mapped', ['subscribe', 'topics', i], `Worker.subscribe: ${t.service} (its events topic; topic '${t.name}')`);
      if (t.queue !== undefined) r.comment(comments, ['subscribe', 'topics', i, 'queue'], 'a topic-specific queue: shipshape gives a worker one queue for all its topics');
      for (const k of Object.keys(t).filter((x) => !['name', 'service', 'queue'].includes(x))) r.comment(comments, ['subscribe', 'topics', i, k], `${k} (SNS filter policy): shipshape delivers every message of the topic`);
    });
    const q = d.subscribe?.queue;
    if (q) {
      const seconds = (k: 'timeout' | 'retention') => (q[k] !== undefined ? goDurationSeconds(q[k]!) : undefined);
      queue = {
        ...(seconds('timeout') !== undefined ? { visibilityTimeoutSeconds: seconds('timeout') } : {}),
        ...(q.dead_letter ? { maxReceiveCount: q.dead_letter.tries } : {}),
        ...(seconds('retention') !== undefined ? { retentionSeconds: seconds('retention') } : {}),
      };
      if (q.timeout) r.add('mapped', ['subscribe', 'queue', 'timeout'], 'Worker.queue.visibilityTimeout');
      if (q.retention) r.add('mapped', ['subscribe', 'queue', 'retention'], 'Worker.queue.retention');
      if (q.dead_letter) r.add('mapped', ['subscribe', 'queue', 'dead_letter', 'tries'], 'Worker.queue.maxReceiveCount (shipshape always has a dead-letter queue)');
      else r.add('mapped', ['subscribe', 'queue'], 'shipshape always gives a worker a dead-letter queue (after 5 receives by default)');
      if (q.delay) r.comment(comments, ['subscribe', 'queue', 'delay'], 'a queue delivery delay has no shipshape equivalent');
      for (const k of Object.keys(q).filter((x) => !['timeout', 'retention', 'dead_letter', 'delay'].includes(x))) r.comment(comments, ['subscribe', 'queue', k], `queue ${k} has no shipshape equivalent`);
    }
  } else if (d.subscribe !== undefined) {r.comment(comments, ['subscribe'], `a ${d.type} does not subscribe in shipshape (only a Worker)`);}

  // Health command of a worker (the container health check of the others is the preset's).
  let healthCommand: string[] | undefined;
  const ihc = d.image?.healthcheck;
  if (kind === 'worker') {
    const c = ihc?.command;
    if (c && c[0] === 'CMD' && c.length > 1) healthCommand = c.slice(1);
    else if (c && c[0] === 'CMD-SHELL' && c.length > 1) healthCommand = ['/bin/sh', '-c', c.slice(1).join(' ')];
    if (healthCommand) {r.add('mapped', ['image', 'healthcheck', 'command'], 'Worker.healthCommand');} else {
      healthCommand = image.preset === 'python' ? ['python', '-c', 'pass'] : image.preset === 'go' ? ['/app', '-healthcheck'] : ['node', '-e', 'process.exit(0)'];
      r.add('fill-in', ['image'], `Worker.healthCommand is a placeholder that always passes (${JSON.stringify(healthCommand)}; Copilot ran no health check): give a command that exits 0 only when the worker is healthy`);
    }
  } else if (ihc?.command) {r.comment(comments, ['image', 'healthcheck', 'command'], "the container health check: the generated Dockerfile's HEALTHCHECK probes the health path");}
  if (ihc) for (const k of Object.keys(ihc).filter((x) => x !== 'command')) r.comment(comments, ['image', 'healthcheck', k], `container health check ${k.replace(/_/g, ' ')}: the generated Dockerfile sets its own timings`);

  // Scheduled job.
  let schedule: string | undefined;
  let retries: number | undefined;
  let timeoutSeconds: number | undefined;
  let command: string[] | undefined;
  if (kind === 'job') {
    const raw = d.on?.schedule;
    if (raw === undefined) {r.fail(['on', 'schedule'], undefined, "a schedule ('@daily', '@every 1h', a cron expression or rate(...))");} else {
      const t = translateSchedule(raw);
      if ('expression' in t) {
        schedule = t.expression;
        r.add('mapped', ['on', 'schedule'], `ScheduledJob.schedule '${schedule}'${schedule !== raw ? ` (from '${raw}')` : ''}, in UTC as Copilot ran it`);
      } else if ('disabled' in t) {
        schedule = 'rate(1 day)';
        r.add('fill-in', ['on', 'schedule'], "'none' (the job never runs on its own): shipshape's jobs always have a schedule; the placeholder is rate(1 day): remove the job or set the schedule you want");
      } else {r.fail(['on', 'schedule'], raw, `a schedule EventBridge Scheduler can run: ${t.error}`);}
    }
    retries = Math.min(d.retries ?? 0, 10);
    if (d.retries !== undefined) {
      r.add(d.retries > 10 ? 'fill-in' : 'mapped', ['retries'], `ScheduledJob.retries ${retries}${d.retries > 10 ? ` (Copilot had ${d.retries}; shipshape allows at most 10)` : ''}`);
    } else {r.add('mapped', ['name'], "ScheduledJob.retries 0 (no retries: Copilot's default)");}
    if (d.timeout === undefined) r.add('fill-in', ['name'], 'no timeout: Copilot let a run go on; shipshape stops it after ScheduledJob.timeout, 1 hour by default: set the longest a run may take');
    if (d.timeout !== undefined) {
      const s = goDurationSeconds(d.timeout)!;
      timeoutSeconds = Math.min(Math.max(Math.ceil(s / 60) * 60, 60), 86400);
      r.add(timeoutSeconds !== s ? 'fill-in' : 'mapped', ['timeout'], `ScheduledJob.timeout ${durationText(timeoutSeconds)}${timeoutSeconds !== s ? ` (Copilot had ${d.timeout}; shipshape takes whole minutes from 1 minute to 1 day)` : ''}`);
    }
    if (d.command !== undefined || d.entrypoint !== undefined) {
      command = [...(d.entrypoint !== undefined ? splitCommand(d.entrypoint) : []), ...(d.command !== undefined ? splitCommand(d.command) : [])];
      r.add('mapped', [d.entrypoint !== undefined ? 'entrypoint' : 'command'], `ScheduledJob.command ${JSON.stringify(command)}: the whole command, in place of the image's ENTRYPOINT`);
    }
  } else {
    for (const k of ['command', 'entrypoint'] as const) {
      if (d[k] !== undefined) r.comment(comments, [k], `${k}: a ${d.type} runs the generated image's ENTRYPOINT; put the command in the Dockerfile (DockerPreset entrypoint option)`);
    }
    for (const k of ['on', 'retries', 'timeout'] as const) if (d[k] !== undefined) r.comment(comments, [k], `${k} applies to a Scheduled Job only`);
  }

  // Exec.
  if (d.exec !== undefined) {
    if (kind === 'job') r.comment(comments, ['exec'], 'ECS Exec on a scheduled job has no shipshape equivalent');
    else if (ctx.features.exec) r.add('mapped', ['exec'], `exec: ${d.exec}`);
    else if (d.exec) r.comment(comments, ['exec'], 'ECS Exec is not available in this shipshape version');
  }
  if (d.deployment?.rollback_alarms !== undefined) {
    r.comment(comments, ['deployment', 'rollback_alarms'], `${Array.isArray(d.deployment.rollback_alarms) ? `the alarms ${d.deployment.rollback_alarms.join(', ')}` : `the thresholds ${JSON.stringify(d.deployment.rollback_alarms)}`}: shipshape rolls a deployment back on its own built-in deployment alarms`);
  }
  for (const k of Object.keys(d.deployment ?? {}).filter((x) => !['rolling', 'rollback_alarms'].includes(x))) r.comment(comments, ['deployment', k], `deployment.${k} has no shipshape equivalent`);

  // Per-environment size and scaling.
  const overrides: Record<string, PlanOverride> = {};
  for (const [envName, o] of Object.entries(d.environments ?? {})) {
    if (!o || !ctx.names.includes(envName)) continue;
    const at = ['environments', envName];
    const ov: { cpu?: number; memoryMiB?: number; scaling?: PlanScaling } = {};
    if (o.cpu !== undefined) ov.cpu = o.cpu;
    if (o.memory !== undefined) ov.memoryMiB = o.memory;
    if (o.count !== undefined && kind !== 'job') {
      // Without overrides the count is reported once, below, not as mapped.
      const s = planCount(o as WorkloadFields, at, ctx.features.overrides ? r : new Reporter(w), [], kind, lbws);
      if (s) ov.scaling = s;
    }
    for (const [k, v] of Object.entries(ov)) {
      const field = k === 'memoryMiB' ? 'memory' : k === 'scaling' ? 'count' : k;
      if (kind === 'job' && k === 'scaling') continue;
      if (ctx.features.overrides) r.add('mapped', [...at, field], `environments.${envName}.${k}`);
      else r.comment(comments, [...at, field], `${envName} only (${JSON.stringify(v)}): per-environment ${k} is not available in this shipshape version; the default applies everywhere`);
    }
    if (Object.keys(ov).length > 0) overrides[envName] = ov;
    for (const k of Object.keys(o)) {
      if (['cpu', 'memory', 'count', 'variables', 'secrets'].includes(k)) continue;
      if (k === 'http' && lbws && (o.http as { alias?: unknown } | false)?.constructor === Object && Object.keys(o.http as object).every((x) => x === 'alias')) continue;
      r.comment(comments, [...at, k], `a per-environment ${k}: not imported (the workload's own value applies in ${envName})`);
    }
  }

  return {
    name: d.name,
    variable: ctx.variable,
    kind,
    copilotType: d.type,
    manifest: w.file,
    ...(kind === 'service' ? { internal: !lbws } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(healthPath !== undefined ? { healthPath } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(d.cpu !== undefined ? { cpu: d.cpu } : {}),
    ...(d.memory !== undefined ? { memoryMiB: d.memory } : {}),
    ...(scaling ? { scaling } : {}),
    env,
    overrides,
    calls,
    publishes: kind === 'service' && publishes,
    subscribe,
    ...(queue && Object.keys(queue).length > 0 ? { queue } : {}),
    ...(healthCommand ? { healthCommand } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    ...(retries !== undefined ? { retries } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(command ? { command } : {}),
    exec: kind !== 'job' && d.exec === true && ctx.features.exec,
    image,
    comments,
  };
}

/** The user's Dockerfile and build context, as Copilot reads `image.build` (a path, or a map). */
function buildOf(w: LoadedManifest<WorkloadManifest>): { dockerfile?: string; context: string } {
  const build = w.data.image?.build;
  if (typeof build === 'string') {
    const dockerfile = normalizePath(build);
    return { dockerfile, context: posix.dirname(dockerfile) };
  }
  if (!build) return { context: '.' };
  const dockerfile = normalizePath(build.dockerfile ?? posix.join(build.context ?? '.', 'Dockerfile'));
  return { dockerfile, context: normalizePath(build.context ?? posix.dirname(dockerfile)) };
}

function contextOf(w: LoadedManifest<WorkloadManifest>): string {
  const { context } = buildOf(w);
  return /(^|\/)\.\.(\/|$)/.test(context) || context.startsWith('/') ? '.' : context;
}

function planImage(w: LoadedManifest<WorkloadManifest>, r: Reporter, ctx: Context): PlanImage {
  const build = w.data.image?.build;
  const { dockerfile } = buildOf(w);
  let context = buildOf(w).context;
  if (build !== undefined) r.add('mapped', ['image', 'build'], `DockerImage contextPath '${context}'`);
  if (typeof build === 'object') {
    if (build.args && Object.keys(build.args).length > 0) r.add('not-carried', ['image', 'build', 'args'], `build arguments ${Object.keys(build.args).join(', ')}: the generated Dockerfile takes none; compare it with yours`);
    for (const k of ['target', 'cache_from'] as const) if (build[k] !== undefined) r.add('not-carried', ['image', 'build', k], `image.build.${k}: the generated Dockerfile has its own stages and cache`);
  }
  if (w.data.image?.location !== undefined) {
    r.add('fill-in', ['image', 'location'], `an existing image (${w.data.image.location}): shipshape builds the image it deploys; the DockerImage below builds the application directory '${context}': point contextPath at the source`);
  }
  if (w.data.image === undefined || (build === undefined && w.data.image.location === undefined)) r.add('fill-in', ['image'], "no image.build: the DockerImage builds '.'");
  if (/(^|\/)\.\.(\/|$)/.test(context) || context.startsWith('/')) {
    r.add('fill-in', ['image', 'build'], `the build context '${context}' is outside the application directory: the DockerImage builds '.'`);
    context = '.';
  }
  const inContext = (f: string) => ctx.input.exists(context === '.' ? f : `${context}/${f}`);
  const preset: PlanImage['preset'] = inContext('package.json') ? 'node'
    : inContext('requirements.txt') || inContext('pyproject.toml') ? 'python'
      : inContext('go.mod') ? 'go' : 'node';
  const presetGuessed = !['package.json', 'requirements.txt', 'pyproject.toml', 'go.mod'].some(inContext);
  // shipshape builds one image per directory (each DockerImage writes its context's .dockerignore): the first
  // workload of a shared context gets it; the others are reported, with the DockerImage to add commented out.
  const owner = ctx.contexts.get(context)?.[0];
  const sharedWith = owner !== undefined && owner !== w.data.name ? owner : undefined;
  const generated = context === '.' ? 'Dockerfile.shipshape' : `${context}/Dockerfile.shipshape`;
  if (sharedWith) {
    r.add('fill-in', ['image', 'build'], `the build context '${context}' is ${sharedWith}'s too: shipshape builds one image per directory, so ${w.data.name} has no DockerImage yet; move its source (or a Dockerfile context) to a directory of its own and add the DockerImage the generated code shows commented out`);
  }
  if (!sharedWith) {
    r.add(presetGuessed ? 'fill-in' : 'mapped', ['image'],
      `DockerImage writes ${generated} with DockerPreset.${preset}()${presetGuessed ? ' (no package.json, requirements.txt, pyproject.toml or go.mod in the context: a guess; choose the preset of your language)' : ''}`
    + `${dockerfile ? `; your ${dockerfile} is kept as it is: compare the two, then switch dockerfilePath to it if you prefer yours` : ''}`);
  }
  if (ctx.input.handWritten(context === '.' ? '.dockerignore' : `${context}/.dockerignore`)) r.add('fill-in', ['image'], `${context === '.' ? '' : `${context}/`}.dockerignore exists: shipshape generates it and will refuse to overwrite yours at synthesis (SS-FILE-HANDWRITTEN); move it away or list it in Shipshape.configure adopt`);
  return {
    contextPath: context,
    dockerfilePath: generated,
    ...(dockerfile ? { userDockerfile: dockerfile } : {}),
    preset,
    presetGuessed,
    ...(sharedWith ? { sharedWith } : {}),
  };
}

/** `count` → scaling: a fixed count, or a range with one target (the first of cpu, memory, requests). */
function planCount(d: WorkloadFields, at: readonly (string | number)[], r: Reporter, comments: PlanComment[], kind: 'service' | 'worker' | 'job', lbws: boolean): PlanScaling | undefined {
  const c = d.count;
  const path = [...at, 'count'];
  if (c === undefined) {
    if (at.length > 0) return undefined;
    // Copilot runs one task when count is absent; shipshape's default would autoscale.
    r.add('mapped', ['name'], "scaling { min: 1, max: 1 } (no count: Copilot's one task)");
    return { min: 1, max: 1 };
  }
  if (typeof c === 'number') {
    const n = Math.min(Math.max(c, 1), 100);
    if (n !== c) r.add('fill-in', path, `count ${c}: shipshape runs 1 to 100 tasks; ${n}`);
    r.add('mapped', path, `scaling { min: ${n}, max: ${n} } (a fixed count)`);
    return kind === 'worker' ? { min: n, max: n } : { min: n, max: n };
  }
  let min = 1;
  let max = 1;
  if (c.range !== undefined) {
    if (typeof c.range === 'string') {[min, max] = c.range.split('-').map(Number);} else {
      min = c.range.min;
      max = c.range.max;
      if (c.range.spot_from !== undefined) r.comment(comments, [...path, 'range', 'spot_from'], 'Fargate Spot has no shipshape equivalent');
    }
  }
  if (c.spot !== undefined) {
    r.comment(comments, [...path, 'spot'], 'Fargate Spot has no shipshape equivalent: the tasks run on Fargate');
    min = max = c.spot;
  }
  if (min < 1 || max > 100 || min > max) {
    const [a, b] = [Math.min(Math.max(min, 1), 100), Math.min(Math.max(max, 1), 100)];
    r.add('fill-in', [...path, 'range'], `range ${min}-${max}: shipshape scales from 1 to 100 tasks; ${a}-${Math.max(a, b)}`);
    [min, max] = [a, Math.max(a, b)];
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : (v as { value: number } | undefined)?.value);
  const pct = (v: number, k: string) => {
    const p = Math.min(Math.max(Math.round(v), 10), 90);
    if (p !== v) r.add('fill-in', [...path, k], `${v}%: shipshape targets a whole percentage from 10 to 90; ${p}`);
    return p;
  };
  if (kind === 'worker') {
    let messagesPerTask: number | undefined;
    if (c.queue_delay) {
      const latency = goDurationSeconds(c.queue_delay.acceptable_latency)!;
      const each = goDurationSeconds(c.queue_delay.msg_processing_time)!;
      messagesPerTask = Math.max(1, Math.floor(latency / each));
      r.add('mapped', [...path, 'queue_delay'], `Worker.scaling.messagesPerTask ${messagesPerTask} (acceptable_latency / msg_processing_time)`);
    }
    for (const k of ['cpu_percentage', 'memory_percentage', 'requests', 'response_time'] as const) {
      if (c[k] !== undefined) r.comment(comments, [...path, k], `a worker scales on its backlog per task in shipshape, not on ${k.replace(/_/g, ' ')}`);
    }
    r.add('mapped', [...path, 'range'], `Worker.scaling { min: ${min}, max: ${max} }`);
    return { min, max, ...(messagesPerTask !== undefined ? { messagesPerTask } : {}) };
  }
  const targets: { metric: 'cpu' | 'memory' | 'requests'; value: number; key: string }[] = [];
  if (c.cpu_percentage !== undefined) targets.push({ metric: 'cpu', value: pct(num(c.cpu_percentage)!, 'cpu_percentage'), key: 'cpu_percentage' });
  if (c.memory_percentage !== undefined) targets.push({ metric: 'memory', value: pct(num(c.memory_percentage)!, 'memory_percentage'), key: 'memory_percentage' });
  if (c.requests !== undefined) {
    if (lbws) targets.push({ metric: 'requests', value: Math.max(1, Math.round(num(c.requests)!)), key: 'requests' });
    else r.comment(comments, [...path, 'requests'], 'request-count scaling needs load balancer rules; an internal service has none');
  }
  if (c.response_time !== undefined) r.comment(comments, [...path, 'response_time'], 'response-time scaling has no shipshape equivalent');
  if (c.queue_delay !== undefined) r.comment(comments, [...path, 'queue_delay'], 'queue-delay scaling applies to a worker');
  const [target, ...rest] = targets;
  for (const t of rest) r.comment(comments, [...path, t.key], `a second scaling target: shipshape tracks one (${target.key})`);
  if (target) r.add('mapped', [...path, target.key], `scaling.target ScalingTarget.${target.metric}(${target.value})`);
  r.add('mapped', [...path, ...(c.range !== undefined ? ['range'] : [])], `scaling { min: ${min}, max: ${max} }${target ? '' : ' (CPU 60%, shipshape\'s default target)'}`);
  return { min, max, ...(target ? { target: { metric: target.metric, value: target.value } } : {}) };
}

function planEnvironment(name: string, m: LoadedManifest<EnvironmentManifest> | undefined, domain: { name: string; placeholder: boolean } | undefined,
  options: ImportOptions, report: ReportEntry[], problems: Problem[], pipeline: LoadedManifest<PipelineManifest> | undefined): PlanEnvironment {
  const comments: PlanComment[] = [];
  const r = m ? new Reporter(m) : undefined;
  const given = options.environments?.[name];
  const cert = m?.data.http?.public?.certificates?.[0];
  const certParts = cert ? /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/.exec(cert) : null;
  let account = given?.account ?? PLACEHOLDER_ACCOUNT;
  let region = given?.region ?? PLACEHOLDER_REGION;
  let placeholder = given === undefined;
  if (!given && certParts) {
    [region, account] = [certParts[1], certParts[2]];
    placeholder = false;
    r?.add('fill-in', ['http', 'public', 'certificates'], `${name}: account ${account} and region ${region} are taken from the certificate's ARN: check them`);
  }
  if (placeholder) {
    report.push({ kind: 'fill-in', manifest: m?.file ?? pipeline?.file ?? 'copilot/.workspace', line: m ? 1 : undefined, field: 'account/region', note: `Environment '${name}': account ${account} and region ${region} are placeholders (Copilot keeps them outside the manifests): put the environment's AWS account id and region` });
  }
  if (m) r!.add('mapped', ['name'], `Environment '${name}'`);
  let network: PlanEnvironment['network'];
  const vpc = m?.data.network?.vpc;
  if (vpc?.id) {
    const ids = (list?: readonly (string | { id?: string })[]) => (list ?? []).map((s) => (typeof s === 'string' ? s : s.id ?? '')).filter(Boolean);
    network = { vpcId: vpc.id, publicSubnets: ids(vpc.subnets?.public), privateSubnets: ids(vpc.subnets?.private) };
    r!.add('fill-in', ['network', 'vpc', 'id'], `Environment.network: Network.existing(); the VPC ${vpc.id} and its subnets (public ${network.publicSubnets.join(', ') || 'none'}; private ${network.privateSubnets.join(', ') || 'none'}) are given at deploy time as the template parameters VpcId, PublicSubnetIds and PrivateSubnetIds`);
  } else if (vpc) {
    r!.add('mapped', ['network', 'vpc'], 'Environment.network: Network.create() (a new VPC)');
    if (vpc.cidr || vpc.subnets) r!.comment(comments, ['network', 'vpc', vpc.cidr ? 'cidr' : 'subnets'], 'the CIDR ranges of a created VPC: shipshape chooses its own');
  }
  let envDomain: PlanEnvironment['domain'];
  if (domain) {
    let certificateArn = cert && certParts && certParts[1] === region && certParts[2] === account ? cert : undefined;
    if (cert && !certificateArn && r) r.add('fill-in', ['http', 'public', 'certificates'], `${cert} is not of the environment's account ${account} and region ${region}: not used; a DNS-validated certificate is requested in the hosted zone instead`);
    if (certificateArn) r!.add('mapped', ['http', 'public', 'certificates'], `Environment.domain.certificateArn (the first certificate)${m!.data.http!.public!.certificates!.length > 1 ? '; the others are not carried: one certificate per environment' : ''}`);
    envDomain = { name: domain.name, ...(certificateArn ? { certificateArn } : { hostedZoneId: PLACEHOLDER_ZONE }), placeholder: domain.placeholder };
    report.push({
      kind: 'fill-in',
      manifest: m?.file ?? 'copilot/.workspace',
      ...(m ? { line: 1 } : {}),
      field: 'domain',
      note: `Environment '${name}': domain ${domain.name}${domain.placeholder ? ' is a placeholder (Copilot keeps the application\'s domain outside the manifests)' : ' (from the public services\' aliases)'}${certificateArn ? '' : `; hostedZoneId ${PLACEHOLDER_ZONE} is a placeholder: the Route 53 zone that holds it`}`,
    });
  } else if (cert && r) {
    r.comment(comments, ['http', 'public', 'certificates'], 'a certificate without a public service: not used');
  }
  if (m) {
    for (const k of Object.keys(m.data)) {
      if (['name', 'type', 'network', 'http'].includes(k)) continue;
      r!.comment(comments, [k], `${k}: no shipshape equivalent for an environment (observability has Monitoring; cdn none)`);
    }
    for (const k of Object.keys(m.data.network ?? {}).filter((x) => x !== 'vpc')) r!.comment(comments, ['network', k], `network.${k} has no shipshape equivalent`);
    for (const k of Object.keys(vpc ?? {}).filter((x) => !['id', 'cidr', 'subnets'].includes(x))) r!.comment(comments, ['network', 'vpc', k], `network.vpc.${k} (flow logs, security group rules): shipshape sets its own`);
    for (const k of Object.keys(m.data.http ?? {}).filter((x) => x !== 'public')) r!.comment(comments, ['http', k], `http.${k} (an internal load balancer): shipshape's internal services use Service Connect`);
    for (const k of Object.keys(m.data.http?.public ?? {}).filter((x) => x !== 'certificates')) r!.comment(comments, ['http', 'public', k], `http.public.${k} (ingress rules, access logs, SSL policy): shipshape sets its own`);
    report.push(...r!.entries);
    problems.push(...r!.problems);
  }
  const stage = pipeline?.data.stages.find((s) => s.name === name);
  return {
    name,
    ...(m ? { manifest: m.file } : {}),
    account,
    region,
    placeholder,
    ...(network ? { network } : {}),
    ...(envDomain ? { domain: envDomain } : {}),
    approval: stage?.requires_approval === true,
    rolling: true,
    variables: { COPILOT_ENVIRONMENT_NAME: name },
    secrets: {},
    comments,
  };
}
