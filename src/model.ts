/**
 * The model: plain, readonly, normalized data built from the constructs.
 * Renderers read only this. The same model always gives the same bytes,
 * which is also what makes hashing and caching possible.
 */
import type { ComposeModel } from './compose/model';
import type { RegistryLocation } from './core/naming';
import type { DatabaseModel } from './database/database';
import type { DockerfileModel } from './docker/model';
import type { AuditTrailModel } from './environment/audit-trail';
import type { InfrastructureModel } from './environment/infrastructure';
import type { StrategyModel } from './environment/strategy';
import type { FlagModel } from './flags/feature-flag';
import type { DependabotModel, GitHubEnvironmentModel, RulesetModel } from './github/guardrails';
import type { ActionPin } from './github/pins';
import type { WorkflowModel } from './github/workflow';
import type { ExecutionRoleOptions } from './iam/options';
import type { MonitoringModel } from './monitoring/model';

export interface ServiceModel {
  readonly path: string;
  readonly name: string;
  readonly port: number;
  readonly healthPath: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Environment variables by name: a plain value or a secret reference (never a secret's value). */
  readonly env: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
}

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
  /** The container command (overrides the image's CMD); undefined: the image's own. */
  readonly command?: readonly string[];
  /** How many times a failed run is tried again. */
  readonly retries: number;
  /** How long one run (all its attempts) may take before it is stopped and counted as timed out. */
  readonly timeoutSeconds: number;
  /** The IANA time zone the cron expression is read in. */
  readonly timezone: string;
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
