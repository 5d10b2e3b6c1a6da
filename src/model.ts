/**
 * The model: plain, readonly, normalized data built from the constructs.
 * Renderers read only this. The same model always gives the same bytes,
 * which is also what makes hashing and caching possible.
 */
import type { ComposeModel } from './compose/model';
import type { RegistryLocation } from './core/naming';
import type { DatabaseModel } from './database/model';
import type { DockerfileModel } from './docker/model';
import type { AuditTrailModel, InfrastructureModel, StrategyModel } from './environment/model';
import type { FlagModel } from './flags/model';
import type { DependabotModel, GitHubEnvironmentModel, RulesetModel } from './github/guardrails';
import type { ActionPin } from './github/pins';
import type { WorkflowModel } from './github/workflow';
import type { ExecutionRoleOptions } from './iam/options';
import type { MonitoringModel } from './monitoring/model';

/** What a workload changes in one environment (its `environments` prop), merged over its own settings there. */
export interface WorkloadOverridesModel<S = never> {
  readonly cpu?: number;
  readonly memoryMiB?: number;
  /** Merged over the workload's variables (the same name wins). */
  readonly env?: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
  readonly scaling?: S;
}

export interface ServiceModel {
  readonly path: string;
  readonly name: string;
  readonly port: number;
  readonly healthPath: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference (never a secret's value). */
  readonly env: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
  /**
   * How requests reach it. `public`: through the environment's shared load balancer when the environment has a
   * domain (`host` under the domain, or a `path` prefix); `internal`: only through Service Connect.
   */
  readonly exposure: ServiceExposure;
  /** The service's own autoscaling, overriding each environment's. */
  readonly scaling?: InfrastructureModel['scaling'];
  /** The names of the services it calls (`Service.calls`): each gives it `<NAME>_URL` (`serviceUrlVariable`). */
  readonly calls: readonly string[];
  /** Reachable only through Service Connect: no load balancer rule, no published compose port. */
  readonly internal: boolean;
  /** The service owns an SNS topic `<name>-<env>-events` in its stack and may publish to it (workers subscribe). */
  readonly publishes: boolean;
  /** A one-off task the deploy job runs with the new image before traffic moves (database migrations). */
  readonly migrate?: MigrateModel;
  /** Per-environment overrides, by Environment name (`inEnvironment` applies them). */
  readonly environments?: Readonly<Record<string, WorkloadOverridesModel<InfrastructureModel['scaling']>>>;
  /** ECS Exec (`aws ecs execute-command`) into its tasks. */
  readonly exec?: boolean;
}

/** A service's migration: the exec-form command run in a copy of the service's container, with its wiring. */
export interface MigrateModel {
  readonly command: readonly string[];
}

/** A queue worker: no port, a health command, an SQS queue with a dead-letter queue, scaling on backlog per task. */
export interface WorkerModel {
  readonly path: string;
  readonly name: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference (never a secret's value). */
  readonly env: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
  /** The container health check and the Dockerfile's HEALTHCHECK, exec form. */
  readonly healthCommand: readonly string[];
  /** The publishing services whose topics feed the queue (their names). */
  readonly subscribe: readonly string[];
  readonly queue: {
    /** How long a received message stays hidden from other consumers, in seconds. */
    readonly visibilityTimeoutSeconds: number;
    /** Receives before a message moves to the dead-letter queue. */
    readonly maxReceiveCount: number;
    /** How long the queue keeps a message, in seconds (its dead-letter queue keeps them 14 days). */
    readonly retentionSeconds: number;
  };
  readonly scaling: {
    readonly min: number;
    readonly max: number;
    /** The backlog per task target tracking keeps: visible messages divided by running tasks. */
    readonly messagesPerTask: number;
  };
  /** Per-environment overrides, by Environment name (`inEnvironment` applies them). */
  readonly environments?: Readonly<Record<string, WorkloadOverridesModel<WorkerModel['scaling']>>>;
  /** ECS Exec (`aws ecs execute-command`) into its tasks. */
  readonly exec?: boolean;
}

export type ServiceExposure =
  | { readonly kind: 'public'; readonly host?: string; readonly path?: string }
  | { readonly kind: 'internal' };

/**
 * A scheduled job (src/workloads/scheduled-job.ts): an ECS task that EventBridge Scheduler starts through a Step
 * Functions state machine, which retries a failed run and stops one that outlives its timeout.
 */
export interface ScheduledJobModel {
  readonly path: string;
  readonly name: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference (never a secret's value). */
  readonly env: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
  /** EventBridge Scheduler expression: `cron(<6 fields>)` or `rate(<n> <unit>)`. */
  readonly schedule: string;
  /** The whole command (the task's entry point, replacing the image's ENTRYPOINT); undefined: the image's own. */
  readonly command?: readonly string[];
  /** How many times a failed run is tried again. */
  readonly retries: number;
  /** How long one run (all its attempts) may take before it is stopped and counted as timed out. */
  readonly timeoutSeconds: number;
  /** The IANA time zone the cron expression is read in. */
  readonly timezone: string;
  /** Per-environment overrides, by Environment name (`inEnvironment` applies them). */
  readonly environments?: Readonly<Record<string, WorkloadOverridesModel>>;
}

export interface EnvironmentModel {
  readonly path: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Days CloudWatch keeps the service's logs. */
  readonly logRetentionDays: number;
  /** The public base URL, for smoke tests. */
  readonly url?: string;
  /** GitHub environment protection: reviewers and/or a wait timer. */
  readonly approval?: { readonly reviewers: readonly string[]; readonly waitMinutes: number };
  readonly strategy: StrategyModel;
  /** Position in the declared deploy order, starting at 0. */
  readonly order: number;
  /** What the environment stacks need beyond account and region (network, domain, scaling, config, escape hatches). */
  readonly infrastructure: InfrastructureModel;
}

export interface ImageModel {
  readonly path: string;
  /** The service this image packages. */
  readonly service: string;
  /** Path of the Dockerfile, relative to the project root. */
  readonly dockerfilePath: string;
  /** Path of the build context, relative to the project root. */
  readonly contextPath: string;
  readonly dockerfile: DockerfileModel;
  readonly dockerignore: readonly string[];
}

export interface PipelineModel {
  readonly path: string;
  /** The branch CI guards and CD deploys from. */
  readonly branch?: string;
  /** Path of the workflow file, relative to the project root. */
  readonly filePath: string;
  readonly workflow: WorkflowModel;
  /**
   * When each job of `workflow` runs, by job id, as the speed budget sees it: `check` jobs run on pull requests and
   * pushes, `deploy` jobs only on the branch; `prOnly` jobs only on pull requests. Read by the pipeline diagram.
   */
  readonly stages?: Readonly<Record<string, { readonly stage: 'check' | 'deploy'; readonly prOnly: boolean }>>;
  /** The action pin table this workflow is rendered with, keyed by `owner/repo`. */
  readonly pins: Readonly<Record<string, ActionPin>>;
  /** Further workflow files of the pipeline (the scheduled drift check). */
  readonly extraWorkflows?: ReadonlyArray<{ readonly filePath: string; readonly workflow: WorkflowModel }>;
  /** The branch ruleset (`.github/rulesets/<branch>.json`). */
  readonly ruleset?: RulesetModel;
  /** `.github/dependabot.yml`. */
  readonly dependabot?: DependabotModel;
  /** GitHub environment protection, documented in `.github/environments.json`. */
  readonly githubEnvironments?: readonly GitHubEnvironmentModel[];
  /** The OIDC subject template's claim keys, when the workflows assume AWS roles (`.github/oidc-subject.json`). */
  readonly oidcSubjectClaimKeys?: readonly string[];
}

export interface ProjectModel {
  /** The projen project's name. */
  readonly name: string;
  /** Comment lines that mark a file as generated (projen's marker). */
  readonly header: readonly string[];
  readonly services: readonly ServiceModel[];
  /** Queue workers (src/workloads/worker.ts). */
  readonly workers: readonly WorkerModel[];
  /** Scheduled jobs (src/workloads/scheduled-job.ts). */
  readonly jobs: readonly ScheduledJobModel[];
  readonly environments: readonly EnvironmentModel[];
  readonly images: readonly ImageModel[];
  readonly pipelines: readonly PipelineModel[];
  /** docker-compose files for local development. */
  readonly composes: readonly ComposeModel[];
  readonly databases: readonly DatabaseModel[];
  readonly flags: readonly FlagModel[];
  /** What watches each service: alarms, routes, canary, tracing (src/monitoring/). */
  readonly monitoring: readonly MonitoringModel[];
  /** Present when the project names its GitHub repository: the bootstrap stacks are generated. */
  readonly bootstrap?: BootstrapModel;
  /**
   * Where every service image lives (ECR in this account and region): chosen with `Shipshape.configure`, or by
   * default (`registryLocation` in src/core/naming.ts). Absent without environments.
   */
  readonly registry?: RegistryLocation;
}

export interface BootstrapModel {
  /** 'owner/repo' */
  readonly repository: string;
  /** Accounts whose GitHub OIDC provider already exists and is imported. */
  readonly existingOidcProviderAccounts: readonly string[];
  /** The branch CD runs on (the first Pipeline's): the publish and drift roles trust it. */
  readonly branch: string;
  /** What the CloudFormation execution roles may do beyond shipshape's data (`Shipshape.configure`). */
  readonly executionRole?: ExecutionRoleOptions;
  /** The audit trail each bootstrap stack creates (unless its account is in `existingTrailAccounts`). */
  readonly auditTrail: AuditTrailModel;
}

/** One file a renderer produced. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** The model object this file was rendered from (its construct path), for error messages. */
  readonly source: string;
}
