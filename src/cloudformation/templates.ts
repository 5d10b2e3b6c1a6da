import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import type { CloudFormationTemplate } from './stack';
import { Problem, ShipshapeError, problem, throwIfAny } from '../core/errors';
import { bootstrapStackName, environmentStackName, stackName } from '../core/naming';
import type { HealthcheckModel } from '../docker/model';
import { inEnvironment } from '../environment/overrides';
import { environmentFor } from '../environment/urls';
import { driftReadActions } from '../iam/cli-permissions';
import { partitionOf, ssmParameterNames, templateNeeds } from '../iam/template-needs';
import type { RequiredPermission } from '../iam/types';
import type { EnvironmentModel, ProjectModel, ScheduledJobModel, ServiceModel, WorkerModel } from '../model';

/** Options of template synthesis. */
export interface TemplateSynthOptions {
  /** Run aws-cdk-lib's built-in CloudFormation validator on every template. */
  readonly validation: boolean;
}

/** One workload stack in one environment, as the deploy job sees it. */
export interface StackTarget {
  /** The service; for a worker or a job, what the deploy job reads of it in a service's shape ({@link deployTargetOf}). */
  readonly service: ServiceModel;
  /** @default 'service' */
  readonly kind?: 'service' | 'worker' | 'job';
  readonly environment: EnvironmentModel;
  readonly stackName: string;
  readonly filePath: string;
}

/** One bootstrap stack: one per AWS account the environments use. */
export interface BootstrapTarget {
  readonly account: string;
  readonly region: string;
  readonly environments: readonly EnvironmentModel[];
  readonly stackName: string;
  readonly filePath: string;
}

/** One stack of a workload without a port (a queue worker, a scheduled job) in one environment. */
export interface PortlessTarget {
  readonly workload: { readonly kind: 'worker'; readonly model: WorkerModel } | { readonly kind: 'job'; readonly model: ScheduledJobModel };
  readonly environment: EnvironmentModel;
  readonly stackName: string;
  readonly filePath: string;
}

/** One environment stack: the shared infrastructure of one environment. */
export interface EnvironmentTarget {
  readonly environment: EnvironmentModel;
  readonly stackName: string;
  readonly filePath: string;
}

/** A template file and the construct path it comes from. */
export interface TemplateFile {
  readonly filePath: string;
  readonly source: string;
}

/** The workload stacks of a project (one per service and environment) and where their templates go. */
export function stackTargets(model: Pick<ProjectModel, 'services' | 'environments'>): StackTarget[] {
  const targets: StackTarget[] = [];
  for (const declared of model.services) {
    for (const environment of model.environments) {
      const service = inEnvironment(declared, environment.name);
      targets.push({
        service,
        environment: environmentFor(service, environment),
        stackName: stackName(service.name, environment.name),
        filePath: `infra/${service.name}-${environment.name}.template.json`,
      });
    }
  }
  return targets;
}

/** The stacks of the project's workers and scheduled jobs (one per workload and environment). */
export function portlessTargets(model: Pick<ProjectModel, 'workers' | 'jobs' | 'environments'>): PortlessTarget[] {
  const workloads: Array<PortlessTarget['workload']> = [
    ...(model.workers ?? []).map((w) => ({ kind: 'worker' as const, model: w })),
    ...(model.jobs ?? []).map((j) => ({ kind: 'job' as const, model: j })),
  ];
  return workloads.flatMap((workload) => model.environments.map((environment) => ({
    workload: workload.kind === 'worker'
      ? { kind: 'worker' as const, model: inEnvironment(workload.model, environment.name) }
      : { kind: 'job' as const, model: inEnvironment(workload.model, environment.name) },
    environment,
    stackName: stackName(workload.model.name, environment.name),
    filePath: `infra/${workload.model.name}-${environment.name}.template.json`,
  })));
}

/**
 * A worker's or a job's stack as the deploy job reads it: the same deploy, record and rollback as a service's; no URL
 * (internal), so no smoke test; a job has no ECS service to wait for (`kind`).
 */
export function deployTargetOf(t: PortlessTarget): StackTarget {
  const m = t.workload.model;
  return {
    kind: t.workload.kind,
    service: {
      path: m.path,
      name: m.name,
      port: 0,
      healthPath: '/',
      cpu: m.cpu,
      memoryMiB: m.memoryMiB,
      env: m.env,
      exposure: { kind: 'internal' },
      calls: [],
      internal: true,
      publishes: false,
    },
    environment: t.environment,
    stackName: t.stackName,
    filePath: t.filePath,
  };
}

/** The environment stacks of a project (one per environment, when it has workloads) and where their templates go. */
export function environmentTargets(
  model: Pick<ProjectModel, 'name' | 'services' | 'environments'> & Partial<Pick<ProjectModel, 'workers' | 'jobs'>>,
): EnvironmentTarget[] {
  if (model.services.length + (model.workers?.length ?? 0) + (model.jobs?.length ?? 0) === 0) return [];
  return model.environments.map((environment) => ({
    environment,
    stackName: environmentStackName(model.name, environment.name),
    filePath: `infra/${environment.name}.template.json`,
  }));
}

/**
 * One bootstrap stack per account: `infra/bootstrap.template.json` when every environment shares an
 * account, `infra/bootstrap-<account>.template.json` per account otherwise. None without a repository.
 * The environments of one account must share a region (the image repositories are regional).
 */
export function bootstrapTargets(model: ProjectModel): BootstrapTarget[] {
  if (!model.bootstrap || model.services.length + model.workers.length + model.jobs.length === 0) return [];
  const accounts = [...new Set(model.environments.map((e) => e.account))];
  return accounts.map((account) => {
    const environments = model.environments.filter((e) => e.account === account);
    const regions = [...new Set(environments.map((e) => e.region))];
    throwIfAny(regions.length > 1 ? [problem('SS-BOOTSTRAP-REGION', environments[1].path, 'region', environments.map((e) => `${e.name}: ${e.region}`),
      `one region per account (the bootstrap stack of account ${account} holds the image repositories, which are regional)`)] : []);
    return {
      account,
      region: regions[0],
      environments,
      stackName: bootstrapStackName(model.name),
      filePath: accounts.length === 1 ? 'infra/bootstrap.template.json' : `infra/bootstrap-${account}.template.json`,
    };
  });
}

/** Every template file, in render order: the bootstrap stacks, the environment stacks, then the workload stacks. */
export function templateFiles(model: ProjectModel): TemplateFile[] {
  return [
    ...bootstrapTargets(model).map((t) => ({ filePath: t.filePath, source: `${model.name}/Shipshape` })),
    ...environmentTargets(model).map((t) => ({ filePath: t.filePath, source: t.environment.path })),
    ...stackTargets(model).map((t) => ({ filePath: t.filePath, source: t.environment.path })),
    ...portlessTargets(model).map((t) => ({ filePath: t.filePath, source: t.workload.model.path })),
  ];
}

/**
 * The largest template CloudFormation accepts from S3 (`TemplateURL`). The pipeline always deploys through the
 * account's template bucket, so the 51,200-byte limit of an inline `TemplateBody` does not apply.
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/** A problem for each rendered template above {@link MAX_TEMPLATE_BYTES}: synthesis stops before anything is written. */
export function templateSizeProblems(model: ProjectModel, rendered: ReadonlyMap<string, string>, limit = MAX_TEMPLATE_BYTES): Problem[] {
  const problems: Problem[] = [];
  for (const file of templateFiles(model)) {
    const content = rendered.get(file.filePath);
    if (content === undefined) continue;
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > limit) {
      problems.push(problem('SS-TEMPLATE-SIZE', file.source, 'template', `${file.filePath}: ${bytes} bytes`,
        `at most ${limit} bytes (the largest template CloudFormation reads from S3)`,
        'Split the service into several services (one stack each), or move resources out with fewer alarms, flags or stack customizations.'));
    }
  }
  return problems;
}

/** The Dockerfile HEALTHCHECK of a service's image, if shipshape builds it. */
function imageHealthcheck(model: ProjectModel, service: string): HealthcheckModel | undefined {
  const image = model.images.find((i) => i.service === service);
  const last = image?.dockerfile.stages[image.dockerfile.stages.length - 1];
  for (const instruction of last?.instructions ?? []) if (instruction.kind === 'healthcheck') return instruction.check;
  return undefined;
}

/**
 * Build every stack in one in-memory aws-cdk-lib App, unsynthesized: for cdk-nag, tests and synthesis.
 * aws-cdk-lib is loaded here, and only here, so projects without templates never pay for it.
 */
export function buildApp(
  model: ProjectModel, options: TemplateSynthOptions & { readonly outdir: string },
): { app: App; stacks: Map<string, string> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App: CdkApp } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EnvironmentStack } = require('./stack') as typeof import('./stack');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EnvironmentSharedStack } = require('./shared') as typeof import('./shared');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BootstrapStack } = require('./bootstrap') as typeof import('./bootstrap');
  const app = new CdkApp({
    outdir: options.outdir,
    analyticsReporting: false,
    treeMetadata: false,
    stackTraces: false,
    performanceReporting: false,
    builtinCloudFormationValidation: options.validation,
  });
  const stacks = new Map<string, string>();
  // One image registry (chosen, or by default the production environment's account and region). Every environment pulls from it.
  const registry = model.registry;
  const accounts = [...new Set(model.environments.map((e) => e.account))];
  // The environment stacks first: each bootstrap stack's execution roles are generated from what they contain.
  const built: Array<{ target: StackTarget | EnvironmentTarget | PortlessTarget; stack: import('aws-cdk-lib').Stack }> = [];
  for (const t of environmentTargets(model)) {
    const stack = new EnvironmentSharedStack(app, t.stackName, { project: model.name, environment: t.environment, services: model.services });
    stacks.set(t.filePath, t.stackName);
    built.push({ target: t, stack });
  }
  for (const t of stackTargets(model)) {
    const stack = new EnvironmentStack(app, t.stackName, {
      service: t.service,
      services: model.services,
      environment: t.environment,
      project: model.name,
      database: model.databases.find((d) => d.service === t.service.name),
      flags: model.flags,
      healthcheck: imageHealthcheck(model, t.service.name),
      monitoring: model.monitoring.find((m) => m.service === t.service.name),
      registry,
    });
    stacks.set(t.filePath, t.stackName);
    built.push({ target: t, stack });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WorkloadStack } = require('./workload-stack') as typeof import('./workload-stack');
  const escalation = model.monitoring[0]?.escalation;
  for (const t of portlessTargets(model)) {
    const stack = new WorkloadStack(app, t.stackName, {
      project: model.name,
      environment: t.environment,
      workload: t.workload,
      ...(escalation ? { escalation } : {}),
      registry: registry ?? { account: t.environment.account, region: t.environment.region },
      healthcheck: imageHealthcheck(model, t.workload.model.name),
    });
    stacks.set(t.filePath, t.stackName);
    built.push({ target: t, stack });
  }
  const bootstrap = bootstrapTargets(model);
  const needs = bootstrap.length > 0 ? environmentNeeds(model, built) : undefined;
  for (const t of bootstrap) {
    const id = `${t.stackName}-${t.account}`;
    new BootstrapStack(app, id, {
      project: model.name,
      stackName: t.stackName,
      account: t.account,
      region: t.region,
      bootstrap: model.bootstrap!,
      services: model.services,
      workloads: [
        ...model.services.map((w) => ({ name: w.name, ecsService: true })),
        ...model.workers.map((w) => ({ name: w.name, ecsService: true })),
        ...model.jobs.map((w) => ({ name: w.name, ecsService: false })),
      ],
      environments: t.environments,
      registry: registry!,
      accounts,
      templateNeeds: needs!.permissions,
      ssmParameters: needs!.ssmParameters,
      driftReads: needs!.driftReads,
    });
    stacks.set(t.filePath, id);
  }
  return { app, stacks };
}

/**
 * What each environment's templates need from the CloudFormation execution role, the SSM parameters their
 * parameters resolve (which the deploy role reads) and what drift detection reads (the drift role), by environment name. Read from the constructed stacks as
 * CloudFormation will receive them (`_toCloudFormation`, the template synthesis writes, before file output), so the
 * bootstrap stack is built from exactly the environment templates of the same synthesis. Every resource type
 * without handler data is reported at once (SS-IAM-UNKNOWN-TYPE).
 */
function environmentNeeds(
  model: ProjectModel, built: ReadonlyArray<{ target: StackTarget | EnvironmentTarget | PortlessTarget; stack: import('aws-cdk-lib').Stack }>,
): { permissions: Map<string, RequiredPermission[]>; ssmParameters: Map<string, string[]>; driftReads: Map<string, string[]> } {
  const permissions = new Map<string, RequiredPermission[]>();
  const ssmParameters = new Map<string, string[]>();
  const driftReads = new Map<string, string[]>();
  const problems: Problem[] = [];
  for (const { target, stack } of built) {
    const template = (stack as unknown as { _toCloudFormation(): object })._toCloudFormation();
    const env = target.environment;
    try {
      const needs = templateNeeds(target.filePath, template, {
        account: env.account,
        region: env.region,
        partition: partitionOf(env.region),
        stackName: target.stackName,
        extraTypes: model.bootstrap?.executionRole?.resourceTypes,
        source: env.path,
      });
      permissions.set(env.name, [...(permissions.get(env.name) ?? []), ...needs]);
    } catch (e) {
      if (e instanceof ShipshapeError) problems.push(...e.problems);
      else throw e;
    }
    ssmParameters.set(env.name, [...new Set([...(ssmParameters.get(env.name) ?? []), ...ssmParameterNames(template)])].sort());
    driftReads.set(env.name, [...new Set([...(driftReads.get(env.name) ?? []), ...driftReadActions(template).keys()])].sort());
  }
  throwIfAny(problems);
  return { permissions, ssmParameters, driftReads };
}

/** Synthesize every stack; returns the templates by file path. */
export function synthesizeTemplates(model: ProjectModel, options: TemplateSynthOptions): Map<string, CloudFormationTemplate> {
  const out = new Map<string, CloudFormationTemplate>();
  if (templateFiles(model).length === 0) return out;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cdk-'));
  try {
    const { app, stacks } = buildApp(model, { ...options, outdir });
    const assembly = app.synth();
    for (const [file, id] of stacks) {
      out.set(file, pruneRedundantDependsOn(assembly.getStackArtifact(id).template as CloudFormationTemplate));
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return out;
}

/**
 * Drop `DependsOn` entries that a `Ref` or `Fn::GetAtt` in the same resource already enforces
 * (aws-cdk-lib adds some, for example from a service to the listener rule it references;
 * the CloudFormation validator flags them as W3005). Returns a new template.
 */
export function pruneRedundantDependsOn(template: CloudFormationTemplate): CloudFormationTemplate {
  const resources = (template.Resources ?? {}) as Record<string, Record<string, unknown>>;
  const pruned: Record<string, unknown> = {};
  for (const [id, resource] of Object.entries(resources)) {
    const deps = resource.DependsOn;
    if (!Array.isArray(deps) && typeof deps !== 'string') {
      pruned[id] = resource;
      continue;
    }
    const referenced = referencedIds({ ...resource, DependsOn: undefined });
    const kept = (Array.isArray(deps) ? deps : [deps]).filter((d: string) => !referenced.has(d));
    const { DependsOn: _drop, ...rest } = resource;
    pruned[id] = kept.length > 0 ? { ...rest, DependsOn: kept } : rest;
  }
  return { ...template, Resources: pruned };
}

function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') out.add(v[0]);
      else referencedIds(v, out);
    }
  }
  return out;
}
