import * as nodePath from 'path';
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { CriticalPath, criticalPath, formatPath } from './budget';
import { deployJobs, publishJob } from './cd';
import { SHARED_PATHS, workloadChangesJob } from './changes';
import { changesJob, checkJobs, imageJob, resolveChecks, synthCheckJob } from './checks';
import { driftWorkflow } from './drift';
import { BuildContext, JobSpec, checkout } from './job-spec';
import { BudgetOptions, ChecksOptions, DeployOptions, GuardrailsOptions, ParsedPipelineProps, ScansOptions, WorkloadCiOptions, normalizeGroup, normalizeSwitch, pipelineSchema } from './options';
import { ProjenWorkflows } from './projen-workflows';
import { DEFAULT_PROJENRC, DEFAULT_SYNTH_COMMAND, ensureProjenrcRunner } from './projenrc';
import { auditJob, scanJobs } from './scans';
import { Toolchain, ToolchainModel } from './toolchain';
import { updatesWorkflow } from './updates';
import { validateJobs } from './validate';
import { StackTarget, deployTargetOf, environmentTargets, portlessTargets, stackTargets } from '../cloudformation/templates';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Problem, ShipshapeError, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import { OIDC_SUBJECT_CLAIM_KEYS, registryLocation } from '../core/naming';
import { detectLanguage, directoryFacts, hasFile, projectFacts } from '../core/project-facts';
import { Database } from '../database/database';
import { DockerImage } from '../docker/docker-image';
import { Environment } from '../environment/environment';
import { DependabotModel, GitHubEnvironmentModel, checkNames, githubEnvironmentOf } from '../github/guardrails';
import { ActionPin, ActionPins, actionRepo } from '../github/pins';
import type { JobModel, Permissions, StepModel, WorkflowModel, WorkflowOverride } from '../github/workflow';
import type { EnvironmentModel, ImageModel, PipelineModel, ScheduledJobModel, ServiceModel, WorkerModel } from '../model';
import { Service } from '../service/service';
import { ScheduledJob } from '../workloads/scheduled-job';
import { Worker } from '../workloads/worker';

/** A job added to a pipeline. */
export interface JobOptions {
  /**
   * The job's display name, which is also its check name.
   * @default - the job id
   */
  readonly name?: string;
  /** @default [] */
  readonly needs?: readonly string[];
  readonly if?: string;
  /** @default - the pipeline's runner */
  readonly runsOn?: string;
  /** @default { contents: 'read' } */
  readonly permissions?: Permissions;
  /** @default 10 */
  readonly timeoutMinutes?: number;
  /** Expected minutes, for the speed budget. @default 2 */
  readonly expectedMinutes?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly services?: Readonly<Record<string, unknown>>;
  readonly strategy?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly environment?: { readonly name: string; readonly url?: string };
  readonly concurrency?: { readonly group: string; readonly cancelInProgress: boolean | string };
  /**
   * `check`: part of the pull-request checks (required by the ruleset, counted in the PR path).
   * `deploy`: only on the branch.
   * @default 'check'
   */
  readonly stage?: 'check' | 'deploy';
  readonly steps: readonly StepModel[];
  /** Raw workflow keys the typed API lacks; merged last. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** Props of a {@link Pipeline}. */
export interface PipelineProps {
  /** The workflow's name. @default - the construct id */
  readonly name?: string;
  /** The branch that CI guards and CD deploys from. @default 'main' */
  readonly branch?: string;
  /**
   * The Node.js version of the default toolchain (ignored when `toolchain` is given).
   * @default '22'
   */
  readonly nodeVersion?: string;
  /** Language and package manager. @default Toolchain.node({ packageManager: 'npm', version: nodeVersion }) */
  readonly toolchain?: Toolchain;
  /** The runner label for every job. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** The checks; `false` leaves a job out. @default { lint: true, test: true, build: true } */
  readonly checks?: ChecksOptions;
  /**
   * Per-workload settings of a monorepo, by the name of the image's service. A pipeline whose images build from
   * their own directories (`DockerImage({ contextPath: 'services/web' })`) checks each workload in its directory,
   * with its own toolchain (read from the directory unless given here), and runs a workload's checks, image build,
   * publish and deploy only when its directory, its Dockerfile or the shared configuration (`sharedPaths`) changed.
   * @default - each workload's toolchain read from its directory, the pipeline's checks
   */
  readonly workloads?: Readonly<Record<string, WorkloadCiOptions>>;
  /**
   * Globs of further files every workload depends on (a shared library, a root config), added to the defaults:
   * `.projenrc.ts`, `.projen/**`, the root package and lock files, `.github/**`. A change to one of them counts as a
   * change to every workload. Only for images in their own directories.
   * @default []
   */
  readonly sharedPaths?: readonly string[];
  /** Security scans, each on by default. @default - all on */
  readonly scans?: ScansOptions;
  /** The image to build (shorthand for `images: [image]`). */
  readonly image?: DockerImage;
  /** The images to build, scan, push and deploy. @default - every DockerImage of the project */
  readonly images?: readonly DockerImage[];
  /** Deploys on the branch; `false` switches CD off. @default - every environment, in declared order */
  readonly deploy?: boolean | DeployOptions;
  /** The scheduled CloudFormation drift check; `false` switches it off. @default { schedule: '17 5 * * *' } */
  readonly drift?: boolean | { readonly schedule?: string };
  /** Ruleset, Dependabot. @default - a ruleset with 1 approval, weekly Dependabot */
  readonly guardrails?: GuardrailsOptions;
  /** Re-synthesize in CI and fail on a diff. @default 'npx projen' */
  readonly synthCheck?: boolean | string;
  /** Changes only to these globs skip the image build and (on the branch) the whole run. @default ['**\/*.md', 'docs/**'] */
  readonly docsPaths?: readonly string[];
  /** The speed budget. @default { prMinutes: 10, failOnExceed: false } */
  readonly budget?: BudgetOptions;
  /** Expected minutes of any job by id, overriding the preset's. @default {} */
  readonly expectedMinutes?: Readonly<Record<string, number>>;
  /** Extra or replaced action pins, keyed by `owner/repo`. @default - shipshape's verified pin table */
  readonly actionPins?: Readonly<Record<string, ActionPin>>;
  /** Fail synthesis when a `uses:` is not pinned to a commit SHA. @default true */
  readonly enforcePinning?: boolean;
  /**
   * Whether the repository has GitHub Advanced Security (GitHub Code Security): public repositories always do;
   * private ones need it for code scanning (CodeQL, SARIF upload) and dependency review. `false` switches
   * CodeQL and dependency review off and prints the image scan's findings in the job log instead of uploading
   * SARIF, with a message at synthesis.
   * @default true
   */
  readonly advancedSecurity?: boolean;
}

/** A change to a job: fields to merge, or a function returning the new job. */
export type JobPatch = Partial<Omit<JobModel, 'id'>> | ((job: JobModel) => JobModel);
/** A change to a step: fields to merge, or a function returning the new step. */
export type StepPatch = Partial<StepModel> | ((step: StepModel) => StepModel);

type Edit =
  | { readonly kind: 'job'; readonly id: string; readonly patch: JobPatch }
  | { readonly kind: 'add-step'; readonly id: string; readonly step: StepModel; readonly before?: string; readonly after?: string }
  | { readonly kind: 'step'; readonly id: string; readonly step: string; readonly patch: StepPatch };

const jobSchema = z.strictObject({
  name: z.string().min(1).optional(),
  needs: z.array(z.string()).default([]),
  if: z.string().optional(),
  runsOn: z.string().optional(),
  permissions: z.record(z.string(), z.enum(['read', 'write', 'none'])).default({ contents: 'read' }),
  timeoutMinutes: z.number().int().min(1, { message: 'at least 1 minute' }).max(360).default(10),
  expectedMinutes: z.number().positive().default(2),
  env: z.record(z.string(), z.string()).optional(),
  services: z.record(z.string(), z.unknown()).optional(),
  strategy: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  environment: z.strictObject({ name: z.string().min(1), url: z.string().optional() }).optional(),
  concurrency: z.strictObject({ group: z.string().min(1), cancelInProgress: z.union([z.boolean(), z.string()]) }).optional(),
  stage: z.enum(['check', 'deploy']).default('check'),
  steps: z.array(z.custom<StepModel>((s) => typeof s === 'object' && s !== null && ('run' in s || 'uses' in s), { message: "a step with 'run' or 'uses'" })).min(1),
  raw: z.record(z.string(), z.unknown()).optional(),
});

/**
 * For a repository without GitHub Advanced Security: no CodeQL and no dependency review (both need it on private
 * repositories), and the image scan prints a table in the log and fails on findings instead of uploading SARIF.
 */
function withoutCodeScanning(specs: JobSpec[]): void {
  for (let i = specs.length - 1; i >= 0; i--) {
    if (specs[i].job.id === 'codeql' || specs[i].job.id === 'dependency-review') specs.splice(i, 1);
  }
  for (const [i, spec] of specs.entries()) {
    if (!spec.job.steps.some((s) => s.uses === 'github/codeql-action/upload-sarif')) continue;
    const steps = spec.job.steps
      .filter((s) => s.uses !== 'github/codeql-action/upload-sarif')
      .map((s) => (s.uses === 'aquasecurity/trivy-action' && s.with ? { ...s, with: { ...Object.fromEntries(Object.entries(s.with).filter(([k]) => k !== 'output')), format: 'table' } } : s));
    const { 'security-events': _dropped, ...permissions } = spec.job.permissions;
    specs[i] = { ...spec, job: { ...spec.job, steps, permissions } };
  }
}

/** GitHub's limit of required reviewers per environment. */
const MAX_ENVIRONMENT_REVIEWERS = 6;

/** The workflow-level concurrency group: one per pull request, one per run otherwise. */
export const WORKFLOW_CONCURRENCY_GROUP =
  "${{ github.workflow }}-${{ github.event_name == 'pull_request' && format('pr-{0}', github.event.pull_request.number) || format('run-{0}', github.run_id) }}";

/** Everything one build of the pipeline produces. */
interface Built {
  readonly specs: JobSpec[];
  readonly drift?: WorkflowModel;
  readonly environments: readonly EnvironmentModel[];
  readonly images: readonly ImageModel[];
  readonly problems: Problem[];
  /** The workloads of a monorepo (images in their own directories); undefined when everything builds from the root. */
  readonly workloads?: readonly ResolvedWorkload[];
}

/** One workload of a monorepo as the pipeline checks it. */
interface ResolvedWorkload {
  /** The image's service. */
  readonly name: string;
  /** Its directory (the image's contextPath), relative to the repository root. */
  readonly directory: string;
  readonly dockerfilePath: string;
  /** Resolved against the directory. */
  readonly toolchain: ToolchainModel;
  readonly checks: ParsedPipelineProps['checks'];
}

/** `./services/web/` → `services/web`; `.`, `./` and `` → `.`. */
function normalizeDirectory(dir: string): string {
  const d = nodePath.posix.normalize(dir).replace(/\/+$/, '');
  return d === '' ? '.' : d;
}

/** A pipeline id, which names its workflow files. */
const WORKFLOW_FILE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The project's GitHub Actions: pull-request checks and scans, build-once-deploy-in-order
 * CD on the branch, a scheduled drift check, and the repository guardrails. Jobs are
 * built at synthesis from the project's services, images and environments; they can be
 * added, patched and overridden until then.
 */
export class Pipeline extends ShipshapeConstruct {
  public readonly workflowName: string;
  public readonly branch: string;
  public readonly pins: ActionPins;
  public readonly toolchain: Toolchain;
  private readonly props: ParsedPipelineProps;
  private readonly userJobs = new Map<string, JobSpec>();
  private readonly edits: Edit[] = [];
  private readonly overrides: Array<{ readonly workflow: 'main' | 'drift'; readonly override: WorkflowOverride }> = [];

  constructor(scope: IConstruct, id: string, props: PipelineProps = {}) {
    super(scope, id);
    // The id names the workflow files (.github/workflows/<id>.yml, <id>-drift.yml, <id>-updates.yml).
    if (!WORKFLOW_FILE_ID.test(id)) {
      this.shipshape._defer(this.constructPath, [problem('SS-PIPELINE-ID', this.constructPath, 'id', id,
        'a workflow file name of ASCII letters, digits, dots, dashes and underscores, starting with a letter or digit (it names .github/workflows/<id>.yml)')]);
    }
    props = this.propsObject(props, 'SS-PIPELINE-PROPS', true);
    const workloads = props.workloads !== null && typeof props.workloads === 'object' && !Array.isArray(props.workloads)
      ? Object.fromEntries(Object.entries(props.workloads).map(([name, w]) => [name, w !== null && typeof w === 'object'
        // A workload's checks replace the pipeline's key by key.
        ? { ...w, checks: { ...normalizeGroup(props.checks ?? {}) as object, ...normalizeGroup(w.checks ?? {}) as object } }
        : w]))
      : props.workloads;
    const input = {
      ...props,
      workloads,
      checks: normalizeGroup(props.checks),
      scans: normalizeGroup(props.scans),
      deploy: normalizeSwitch(props.deploy),
      drift: normalizeSwitch(props.drift),
      synthCheck: normalizeSwitch(props.synthCheck),
    };
    const p = this.parse(pipelineSchema, input, 'SS-PIPELINE');
    // Opting out of pinning is an acknowledged policy finding: it stays visible in every synthesis report.
    if (p.enforcePinning === false) this.acknowledge('SS-WF-PINNED', 'enforcePinning: false on this pipeline');
    if (p.toolchain && p.nodeVersion) {
      this.shipshape._defer(this.constructPath, [problem('SS-PIPELINE-NODEVERSION', this.constructPath, 'nodeVersion', p.nodeVersion, 'unset when a toolchain is given', 'Pass the version to Toolchain.node({ version }).')]);
    }
    this.props = p;
    this.workflowName = p.name || id;
    this.branch = p.branch;
    this.pins = ActionPins.defaults().with(p.actionPins);
    // Resolved against the repository: a projen project's tasks and package manager, go.mod, requires-python.
    this.toolchain = (p.toolchain ?? Toolchain.node({ version: p.nodeVersion ?? '22' }))._forProject(projectFacts(this.project));
    ProjenWorkflows.of(this.project);
  }

  /** The workflow file of the checks and deploys. */
  public get filePath(): string {
    return `.github/workflows/${this.node.id}.yml`;
  }

  /** The scheduled drift workflow's file. */
  public get driftFilePath(): string {
    return `.github/workflows/${this.node.id}-drift.yml`;
  }

  /** The job ids of the main workflow, in order (generated jobs included). */
  public get jobIds(): string[] {
    return this.build().specs.map((s) => s.job.id);
  }

  /** Add a job. Its id is also its check name unless `name` is given. */
  public addJob(id: string, options: JobOptions): void {
    const path = `${this.constructPath}/jobs/${id}`;
    this.parse(z.object({ id: nameSchema }), { id }, 'SS-JOB', {}, path);
    if (this.userJobs.has(id)) this.fail([problem('SS-JOB-DUPLICATE', path, 'id', id, 'a job id not used yet in this pipeline')]);
    const o = this.parse(jobSchema, options, 'SS-JOB', {}, path);
    const { stage, runsOn, ...rest } = o;
    this.userJobs.set(id, {
      job: { ...rest, id, name: o.name ?? id, runsOn: runsOn ?? this.props.runsOn },
      stage,
      required: stage === 'check',
      prOnly: false,
      path,
    });
  }

  /** Change any job, generated or added: merge fields, or map the whole job. */
  public patchJob(id: string, patch: JobPatch): void {
    this.edits.push({ kind: 'job', id, patch });
  }

  /** Insert a step into a job, at the end or before/after the step with that name or id. */
  public addStep(jobId: string, step: StepModel, position: { readonly before?: string; readonly after?: string } = {}): void {
    this.edits.push({ kind: 'add-step', id: jobId, step, ...position });
  }

  /** Change one step of a job, found by its name or id. */
  public patchStep(jobId: string, step: string, patch: StepPatch): void {
    this.edits.push({ kind: 'step', id: jobId, step, patch });
  }

  /**
   * Set a raw key in the rendered workflow (dot path, for example `jobs.lint.continue-on-error`);
   * `undefined` deletes it. For anything the typed API lacks.
   */
  public addOverride(path: string | readonly string[], value: unknown, workflow: 'main' | 'drift' = 'main'): void {
    const parts = typeof path === 'string' ? path.split('.') : [...path];
    this.overrides.push({ workflow, override: { path: parts, value } });
  }

  /** Check out (without persisted credentials) and set up the toolchain with caching. */
  public nodeSetupSteps(): StepModel[] {
    return [checkout(), ...this.toolchain.model.setup];
  }

  /** @internal */
  public _validate(): Problem[] {
    const built = this.build();
    const problems = [...built.problems];
    problems.push(...validateJobs(built.specs, { pins: this.pins, enforcePinning: this.props.enforcePinning }));
    if (built.drift) {
      const specs = built.drift.jobs.map((job) => ({ job, stage: 'deploy' as const, required: false, prOnly: false, path: `${this.constructPath}/drift/${job.id}` }));
      problems.push(...validateJobs(specs, { pins: this.pins, enforcePinning: this.props.enforcePinning }));
    }
    // GitHub accepts at most 6 required reviewers per environment (users or teams); a longer list fails the settings call.
    for (const env of built.environments) {
      const reviewers = env.approval?.reviewers ?? [];
      if (reviewers.length > MAX_ENVIRONMENT_REVIEWERS) {
        problems.push(problem('SS-ENV-REVIEWERS', env.path, 'approval.reviewers', reviewers,
          `at most ${MAX_ENVIRONMENT_REVIEWERS} reviewers, as GitHub allows (got ${reviewers.length})`, "Name a team ('org/team') instead of its members."));
      }
    }
    // An estimate for a job that does not exist is a typo that silently keeps the default estimate and timeout.
    const jobIds = [...built.specs.map((s) => s.job.id), ...(built.drift?.jobs.map((j) => j.id) ?? [])];
    for (const id of Object.keys(this.props.expectedMinutes).filter((k) => !jobIds.includes(k))) {
      problems.push(problem('SS-PIPELINE-EXPECTED', this.constructPath, `expectedMinutes.${id}`, id, `the id of a job of this pipeline (${jobIds.join(', ')})`));
    }
    const pr = this.prPath(built);
    if (this.props.budget.failOnExceed && pr.minutes > this.props.budget.prMinutes) {
      problems.push(problem('SS-PIPELINE-BUDGET', this.constructPath, 'budget.prMinutes', formatPath(pr, built.specs.map((s) => s.job)),
        `a pull-request critical path of at most ${this.props.budget.prMinutes} minutes`, 'Shard the slowest job, split it, or raise budget.prMinutes.'));
    }
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const built = this.build();
    const jobs = built.specs.map((s) => s.job);
    const main: WorkflowModel = {
      name: this.workflowName,
      on: {
        pull_request: { branches: [this.branch] },
        // Docs-only pushes start nothing: no image build, no deploy.
        push: { 'branches': [this.branch], 'paths-ignore': [...this.props.docsPaths] },
        workflow_dispatch: {},
      },
      permissions: {},
      // A pull request's runs share one group and cancel each other; every push gets its own group (its run id),
      // so a deploy waiting for approval never holds back the checks of later commits. Deploys queue per
      // job through their job-level groups (`deploy-<env>`, or `deploy-<env>-<workload>`).
      concurrency: {
        group: WORKFLOW_CONCURRENCY_GROUP,
        cancelInProgress: "${{ github.event_name == 'pull_request' }}",
      },
      jobs,
      overrides: this.overrides.filter((o) => o.workflow === 'main').map((o) => o.override),
      escapeHatches: this.edits.map((e) => (e.kind === 'job' ? `patchJob('${e.id}')` : e.kind === 'add-step' ? `addStep('${e.id}')` : `patchStep('${e.id}', '${e.step}')`)),
    };
    const g = this.props.guardrails;
    const required = built.specs.filter((s) => s.stage === 'check' && s.required).flatMap((s) => checkNames(s.job));
    const githubEnvironments = this.githubEnvironments(built.specs, built.environments);
    const assumesRoles = [...jobs, ...(built.drift?.jobs ?? [])].some((j) => j.permissions['id-token'] === 'write');
    const model: PipelineModel = {
      path: this.constructPath,
      branch: this.branch,
      filePath: this.filePath,
      workflow: main,
      stages: Object.fromEntries(built.specs.map((s) => [s.job.id, { stage: s.stage, prOnly: s.prOnly }])),
      pins: this.pins.toJSON(),
      extraWorkflows: [
        ...(built.drift ? [{
          filePath: this.driftFilePath,
          workflow: { ...built.drift, overrides: this.overrides.filter((o) => o.workflow === 'drift').map((o) => o.override) },
        }] : []),
        ...(g.updates === false ? [] : [{
          filePath: `.github/workflows/${this.node.id}-updates.yml`,
          workflow: updatesWorkflow(this.workflowName, g.updates, this.props.runsOn, this.pins.toJSON(),
            [...jobs, ...(built.drift?.jobs ?? [])].flatMap((j) => j.steps.flatMap((st) => (st.uses ? [actionRepo(st.uses)] : []))), built.images),
        }]),
      ],
      ruleset: g.ruleset ? { branch: this.branch, requiredChecks: required, requiredApprovals: g.requiredApprovals } : undefined,
      dependabot: g.dependabot === false ? undefined : {
        interval: g.dependabot,
        // Only the package ecosystems, whose lockfiles people own. Workflows and Dockerfiles are generated: a
        // Dependabot PR against them could never pass synth-check. Action pins and base images are upgraded in
        // .projenrc.ts (actionPins, BaseImages) or by upgrading shipshape.
        updates: this.dependabotUpdates(built.workloads),
      },
      githubEnvironments,
      // The AWS roles trust subjects of this template; the settings script applies it (src/core/naming.ts).
      ...(assumesRoles ? { oidcSubjectClaimKeys: OIDC_SUBJECT_CLAIM_KEYS } : {}),
    };
    return { kind: 'pipelines', model };
  }

  /**
   * Print the critical paths, and warn when the PR path is over budget. Runs in preSynthesize
   * (postSynthesize is skipped under PROJEN_DISABLE_POST); an over-budget error is a problem of _validate.
   */
  public preSynthesize(): void {
    // synth-check runs `npx projen`: it must re-run what generated the files, so the default task must run the projenrc.
    if (this.props.synthCheck.enabled && this.props.synthCheck.command === DEFAULT_SYNTH_COMMAND && ensureProjenrcRunner(this.project)) {
      this.project.logger.info(`shipshape pipeline ${this.constructPath}: the project had no projenrc runner; \`npx projen\` (and synth-check) now run ${DEFAULT_PROJENRC} with tsx. Add typescript.ProjenrcTs to choose another runner.`);
    }
    if (!this.props.advancedSecurity) {
      this.project.logger.warn(`shipshape pipeline ${this.constructPath}: advancedSecurity: false, so CodeQL and dependency review are off and the image scan prints its findings in the job log (code scanning and dependency review need GitHub Advanced Security on private repositories)`);
    }
    const built = this.build();
    const jobs = built.specs.map((s) => s.job);
    const pr = this.prPath(built);
    const deploy = criticalPath(built.specs.filter((s) => !s.prOnly).map((s) => s.job));
    const hasDeploy = built.specs.some((s) => s.stage === 'deploy');
    this.project.logger.info(`shipshape pipeline ${this.constructPath}: PR critical path ${formatPath(pr, jobs)} (budget ${this.props.budget.prMinutes}m)`);
    if (hasDeploy) this.project.logger.info(`shipshape pipeline ${this.constructPath}: deploy critical path ${formatPath(deploy, jobs)}`);
    if (pr.minutes > this.props.budget.prMinutes) {
      this.project.logger.warn(`shipshape pipeline ${this.constructPath}: the PR critical path takes ${pr.minutes}m, over the budget of ${this.props.budget.prMinutes}m`);
    }
  }

  /**
   * One Dependabot entry per directory and package ecosystem: the root's (the pipeline's toolchain), then each
   * workload's, but only where the directory holds a manifest of that ecosystem (Dependabot fails an entry without
   * one). npm covers pnpm and Yarn lockfiles.
   */
  private dependabotUpdates(workloads: readonly ResolvedWorkload[] = []): DependabotModel['updates'] {
    const updates: Array<DependabotModel['updates'][number]> = [{ ecosystem: this.toolchain.model.ecosystem, directory: '/' }];
    for (const w of workloads) {
      const directory = w.directory === '.' ? '/' : `/${w.directory}`;
      if (updates.some((u) => u.ecosystem === w.toolchain.ecosystem && u.directory === directory)) continue;
      if (!w.toolchain.manifests.some((m) => hasFile(nodePath.join(this.project.outdir, w.directory), m))) continue;
      updates.push({ ecosystem: w.toolchain.ecosystem, directory });
    }
    return updates;
  }

  /** The GitHub environments the deploy jobs declare, with the protection `.projenrc.ts` gives them. */
  private githubEnvironments(specs: readonly JobSpec[], environments: readonly EnvironmentModel[]): GitHubEnvironmentModel[] {
    return environments
      .filter((e) => specs.some((s) => s.job.environment?.name === e.name))
      .map((e) => githubEnvironmentOf(e, this.branch));
  }

  private prPath(built: Built): CriticalPath {
    return criticalPath(built.specs.filter((s) => s.stage === 'check').map((s) => s.job));
  }

  /** Build every job from the current state of the project. Pure: called by validate, contribute and the budget report. */
  private build(): Built {
    const p = this.props;
    const problems: Problem[] = [];
    const services = this.shipshape.membersOf(Service).map((s) => s._contribute().model as ServiceModel);
    const declared = this.shipshape.membersOf(Environment).map((e) => e._contribute().model as EnvironmentModel);
    let environments = [...declared].sort((a, b) => a.order - b.order);
    if (p.deploy.order) {
      const names = declared.map((e) => e.name);
      p.deploy.order.forEach((name, i) => {
        if (!names.includes(name)) problems.push(problem('SS-PIPELINE-DEPLOY-ORDER', this.constructPath, `deploy.order.${i}`, name, `the name of a declared environment (${names.join(', ') || 'none declared'})`));
        else if (p.deploy.order!.indexOf(name) !== i) problems.push(problem('SS-PIPELINE-DEPLOY-ORDER', this.constructPath, `deploy.order.${i}`, name, 'each environment at most once'));
      });
      environments = p.deploy.order.map((n) => declared.find((e) => e.name === n)).filter((e): e is EnvironmentModel => !!e);
      environments = environments.filter((e, i) => environments.indexOf(e) === i).map((e, i) => ({ ...e, order: i }));
    }
    const imageConstructs = p.images ?? (p.image ? [p.image] : this.shipshape.membersOf(DockerImage));
    const images = imageConstructs.map((i) => i._contribute().model as ImageModel);
    const workloads = this.resolveWorkloads(images, problems);
    const ctx: BuildContext = {
      constructPath: this.constructPath,
      project: this.project.name,
      branch: this.branch,
      runsOn: p.runsOn,
      toolchain: this.toolchain.model,
      services,
      images,
      environments,
      registry: registryLocation(declared, this.shipshape.registryOption),
      expectedMinutes: p.expectedMinutes,
      ...(workloads ? { changeDetection: { workloads: workloads.map((w) => w.name) } } : {}),
    };
    const workers = this.shipshape.membersOf(Worker).map((w) => w._contribute().model as WorkerModel);
    const jobs = this.shipshape.membersOf(ScheduledJob).map((j) => j._contribute().model as ScheduledJobModel);
    // Services, then workers and jobs, which deploy as services do (a job without the wait for an ECS deployment).
    const templates = [
      ...stackTargets({ services, environments: declared }),
      ...portlessTargets({ workers, jobs, environments: declared }).map(deployTargetOf),
    ];
    const environmentStacks = environmentTargets({ name: this.project.name, services, workers, jobs, environments: declared });
    const imageScan = { enabled: p.scans.image.enabled, severity: p.scans.image.severity, ignoreUnfixed: p.scans.image.ignoreUnfixed };
    const specs: JobSpec[] = [];
    const withImages = new Set(images.map((i) => i.service));
    if (!workloads) {
      // The integration job runs the Database of the pipeline's service (one: the job has one set of DATABASE_* variables).
      const databases = this.shipshape.membersOf(Database).filter((d) => imageConstructs.some((i) => i.service === d.service));
      const checks = resolveChecks(ctx.toolchain, p.checks, this.constructPath, problems, databases[0]?.settings);
      if (databases.length > 1 && checks.some((c) => c.kind === 'integration')) {
        problems.push(problem('SS-PIPELINE-DATABASE', this.constructPath, 'images', databases.map((d) => d.service.name),
          `images of services with at most one Database between them (${databases.map((d) => d.constructPath).join(', ')}): the integration job has one set of DATABASE_* variables`,
          'Give each service with a database its own Pipeline (images: [...]).'));
      }
      specs.push(...checkJobs(ctx, checks));
      if (images.length > 0) {
        specs.push(changesJob(ctx, { docs: p.docsPaths }));
        specs.push(imageJob(ctx, imageScan)!);
      }
    } else {
      // A monorepo: `changes` first (every workload's jobs need it), then each workload's checks, image and audit, in its directory.
      const paths = (w: ResolvedWorkload) => (w.directory === '.' || w.dockerfilePath.startsWith(`${w.directory}/`) ? [w.directory] : [w.directory, w.dockerfilePath]);
      const changed = workloads.map((w) => ({ name: w.name, paths: paths(w) }));
      specs.push(workloadChangesJob(ctx, changed, [...SHARED_PATHS, ...p.sharedPaths], p.docsPaths));
      // Two images never share a directory (each writes the .dockerignore of its build context: SS-FILE-CLASH).
      for (const w of workloads) {
        const scope = { workload: w.name, toolchain: w.toolchain };
        // Each workload's integration job runs its own service's Database.
        const database = this.shipshape.membersOf(Database).find((d) => d.service.name === w.name);
        specs.push(...checkJobs(ctx, resolveChecks(w.toolchain, w.checks, `${this.constructPath}/workloads/${w.name}`, problems, database?.settings), scope));
        specs.push(imageJob({ ...ctx, images: images.filter((i) => i.service === w.name) }, imageScan, scope)!);
        if (p.scans.audit.enabled) specs.push(auditJob(ctx, p.scans.audit.command ?? w.toolchain.audit, scope));
      }
    }
    const languages = [...new Set([ctx.toolchain, ...(workloads ?? []).map((w) => w.toolchain)].map((t) => t.codeql.language))];
    specs.push(...scanJobs(ctx, {
      dependencyReview: p.scans.dependencyReview.enabled ? { failOnSeverity: p.scans.dependencyReview.failOnSeverity } : undefined,
      // A monorepo's audits run per workload, above.
      audit: p.scans.audit.enabled && !workloads ? { command: p.scans.audit.command ?? this.toolchain.model.audit } : undefined,
      codeql: p.scans.codeql.enabled
        ? { languages: p.scans.codeql.languages ?? languages, queries: p.scans.codeql.queries }
        : undefined,
      secrets: p.scans.secrets.enabled ? {} : undefined,
      iac: p.scans.iac.enabled ? { command: p.scans.iac.command } : undefined,
    }, [...environmentStacks, ...templates].map((t) => t.filePath)));
    if (!p.advancedSecurity) withoutCodeScanning(specs);
    if (p.synthCheck.enabled) specs.push(synthCheckJob(ctx, p.synthCheck.command));
    const generated = new Set(specs.map((s) => s.job.id));
    for (const [id, spec] of this.userJobs) {
      if (generated.has(id)) problems.push(problem('SS-JOB-DUPLICATE', spec.path, 'id', id, `a job id the pipeline does not generate (${[...generated].join(', ')})`, 'Use patchJob() to change a generated job.'));
      else specs.push(spec);
    }
    const deployTargets: StackTarget[] = templates.filter((t) => withImages.has(t.service.name));
    if (p.deploy.enabled && deployTargets.length > 0) {
      // A monorepo's publish needs `changes` too: it passes each workload's answer on to the deploy jobs.
      const needs = specs.filter((s) => s.stage === 'check' && !s.prOnly && (workloads !== undefined || s.job.id !== 'changes')).map((s) => s.job.id);
      const publish = publishJob(ctx, needs);
      if (publish) {
        const deploy = { smokeCommand: p.deploy.smokeTest, checkProtection: p.guardrails.checkProtection };
        specs.push(publish, ...deployJobs(ctx, deployTargets, deploy, problems, environmentStacks));
      }
    }
    const drift = p.drift.enabled ? driftWorkflow(ctx, this.workflowName, p.drift.schedule, [...environmentStacks, ...templates]) : undefined;
    return { specs: this.applyEdits(specs, problems), drift, environments, images, problems, workloads };
  }

  /**
   * The workloads of a monorepo: one per image, in the image's directory (its `contextPath`), with its toolchain (given
   * in `workloads`, else read from the directory's manifest, else the pipeline's) resolved against that directory.
   * Undefined when every image builds from the repository root: the checks run there, once, as for one service.
   */
  private resolveWorkloads(images: readonly ImageModel[], problems: Problem[]): ResolvedWorkload[] | undefined {
    const p = this.props;
    const names = images.map((i) => i.service);
    for (const name of Object.keys(p.workloads).filter((n) => !names.includes(n))) {
      problems.push(problem('SS-PIPELINE-WORKLOAD', this.constructPath, `workloads.${name}`, name, `the service name of one of the pipeline's images (${names.join(', ') || 'none'})`));
    }
    const directories = images.map((i) => normalizeDirectory(i.contextPath));
    if (directories.every((d) => d === '.')) {
      for (const key of ['workloads', 'sharedPaths'] as const) {
        if (Object.keys(p[key]).length === 0) continue;
        problems.push(problem('SS-PIPELINE-WORKLOAD', this.constructPath, key, key === 'workloads' ? Object.keys(p.workloads) : p.sharedPaths,
          "images built from their own directories (DockerImage's contextPath, for example 'services/web')",
          'Every image builds from the repository root, so the checks run there once: set toolchain and checks on the Pipeline itself.'));
      }
      return undefined;
    }
    const base = p.toolchain ?? Toolchain.node({ version: p.nodeVersion ?? '22' });
    const nodeVersion = p.nodeVersion ?? this.toolchain.model.nodeVersion ?? '22';
    const out: ResolvedWorkload[] = [];
    images.forEach((image, i) => {
      const directory = directories[i];
      const own = p.workloads[image.service];
      const facts = directory === '.' ? projectFacts(this.project) : directoryFacts(this.project.outdir, directory);
      const language = directory === '.' ? undefined : detectLanguage(facts.dir);
      // A Python directory without requirements-dev.txt installs requirements.txt alone (the preset's default would fail).
      const python = () => Toolchain.python(hasFile(facts.dir, 'requirements-dev.txt') ? {} : { devRequirements: 'requirements.txt' });
      const detected = language === 'go' ? Toolchain.go() : language === 'python' ? python() : language === 'node' ? Toolchain.node({ version: nodeVersion }) : undefined;
      try {
        const toolchain = (own?.toolchain ?? detected ?? base)._forProject(facts).model;
        out.push({ name: image.service, directory, dockerfilePath: image.dockerfilePath, toolchain, checks: own?.checks ?? p.checks });
      } catch (e) {
        if (!(e instanceof ShipshapeError)) throw e;
        problems.push(...e.problems.map((pr) => ({ ...pr, path: `${this.constructPath}/workloads/${image.service}` })));
      }
    });
    return out;
  }

  private applyEdits(specs: JobSpec[], problems: Problem[]): JobSpec[] {
    const out = [...specs];
    for (const edit of this.edits) {
      const i = out.findIndex((s) => s.job.id === edit.id);
      const path = `${this.constructPath}/jobs/${edit.id}`;
      if (i < 0) {
        problems.push(problem('SS-JOB-PATCH', path, 'id', edit.id, `the id of a job in this pipeline (${out.map((s) => s.job.id).join(', ')})`));
        continue;
      }
      const job = out[i].job;
      let next: JobModel;
      if (edit.kind === 'job') {
        const patched = applyPatch(edit.patch, job, path, 'patchJob', problems);
        if (patched === undefined) continue;
        if (!Array.isArray((patched as Partial<JobModel>).steps)) {
          problems.push(problem('SS-JOB-PATCH', path, 'patchJob', patched, 'a job with a steps list (return the job given to the callback, changed)'));
          continue;
        }
        next = typeof edit.patch === 'function' ? patched : { ...patched, id: job.id };
      } else if (edit.kind === 'add-step') {
        const anchor = edit.before ?? edit.after;
        const at = anchor === undefined ? job.steps.length : job.steps.findIndex((s) => s.name === anchor || s.id === anchor);
        if (at < 0) {
          problems.push(problem('SS-STEP-PATCH', path, edit.before !== undefined ? 'before' : 'after', anchor, `the name or id of a step of ${edit.id} (${job.steps.map((s) => s.id ?? s.name).join(', ')})`));
          continue;
        }
        const pos = anchor === undefined ? at : edit.before !== undefined ? at : at + 1;
        next = { ...job, steps: [...job.steps.slice(0, pos), edit.step, ...job.steps.slice(pos)] };
      } else {
        const at = job.steps.findIndex((s) => s.name === edit.step || s.id === edit.step);
        if (at < 0) {
          problems.push(problem('SS-STEP-PATCH', path, 'step', edit.step, `the name or id of a step of ${edit.id} (${job.steps.map((s) => s.id ?? s.name).join(', ')})`));
          continue;
        }
        const step = job.steps[at];
        const patched = applyPatch(edit.patch, step, path, 'patchStep', problems);
        if (patched === undefined) continue;
        next = { ...job, steps: job.steps.map((s, k) => (k === at ? patched : s)) };
      }
      out[i] = { ...out[i], job: next };
    }
    return out;
  }
}

/**
 * Apply an escape-hatch patch: an object is merged, a callback is called. A callback that throws or returns
 * anything but an object becomes a problem naming the job, never a raw TypeError later.
 */
function applyPatch<T extends object>(
  patch: Partial<T> | ((value: T) => T), value: T, path: string, method: string, problems: Problem[],
): T | undefined {
  const code = method === 'patchJob' ? 'SS-JOB-PATCH' : 'SS-STEP-PATCH';
  const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (typeof patch !== 'function') {
    if (isObject(patch)) return { ...value, ...patch };
    problems.push(problem(code, path, method, patch, 'an object of fields to merge, or a function that returns the changed value'));
    return undefined;
  }
  let result: unknown;
  try {
    result = patch(value);
  } catch (e) {
    problems.push(problem(code, path, method, `a callback that threw: ${e instanceof Error ? e.message : String(e)}`, 'a callback that returns the changed value'));
    return undefined;
  }
  if (!isObject(result)) {
    problems.push(problem(code, path, method, result, 'an object returned by the callback (the value given to it, changed)'));
    return undefined;
  }
  return result as T;
}
