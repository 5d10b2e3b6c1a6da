import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { Problem, ShipshapeError, problem } from '../core/errors';
import { nameSchema } from '../core/names';
import { parseProps } from '../core/schema';
import { DockerImage } from '../docker/docker-image';
import { ActionPin, ActionPins, isPinned, isSha } from '../github/pins';
import type { JobModel, Permissions, StepModel, WorkflowModel } from '../github/workflow';
import type { PipelineModel } from '../model';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';

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
  readonly env?: Readonly<Record<string, string>>;
  readonly services?: Readonly<Record<string, unknown>>;
  readonly strategy?: Readonly<Record<string, unknown>>;
  readonly steps: readonly StepModel[];
  /** Raw workflow keys the typed API lacks; merged last. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** Props of a {@link Pipeline}. */
export interface PipelineProps {
  /**
   * The workflow's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The branch that CI guards and CD deploys from.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * The Node.js major version the checks run on.
   * @default '22'
   */
  readonly nodeVersion?: string;
  /**
   * The runner label for every job.
   * @default 'ubuntu-24.04'
   */
  readonly runsOn?: string;
  /**
   * The check commands; `false` leaves a job out.
   * @default { lint: 'npm run lint', test: 'npm test', build: 'npm run build' }
   */
  readonly checks?: {
    readonly lint?: string | false;
    readonly test?: string | false;
    readonly build?: string | false;
  };
  /**
   * An image to build in CI, with Docker layer caching.
   * @default - no image build
   */
  readonly image?: DockerImage;
  /**
   * Extra or replaced action pins, keyed by `owner/repo`.
   * @default - shipshape's verified pin table
   */
  readonly actionPins?: Readonly<Record<string, ActionPin>>;
  /**
   * Fail synthesis when a `uses:` is not pinned to a commit SHA.
   * @default true
   */
  readonly enforcePinning?: boolean;
}

const command = z.union([z.string().min(1), z.literal(false)]);
const schema = z.strictObject({
  name: z.string().min(1).default(''),
  branch: z.string().regex(/^[A-Za-z0-9._/-]+$/, { message: 'a branch name' }).default('main'),
  nodeVersion: z.string().regex(/^\d+(\.\d+){0,2}$/, { message: "a Node.js version such as '22'" }).default('22'),
  runsOn: z.string().min(1).default('ubuntu-24.04'),
  checks: z.strictObject({ lint: command.optional(), test: command.optional(), build: command.optional() }).default({}),
  image: z.instanceof(DockerImage, { message: 'a DockerImage construct' }).optional(),
  actionPins: z.record(z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: "an 'owner/repo' key" }), z.strictObject({
    sha: z.string().refine(isSha, { message: 'a full 40-character commit SHA' }),
    version: z.string().min(1),
  })).default({}),
  enforcePinning: z.boolean().default(true),
});

const jobSchema = z.strictObject({
  name: z.string().min(1).optional(),
  needs: z.array(z.string()).default([]),
  if: z.string().optional(),
  runsOn: z.string().optional(),
  permissions: z.record(z.string(), z.enum(['read', 'write', 'none'])).default({ contents: 'read' }),
  timeoutMinutes: z.number().int().min(1, { message: 'at least 1 minute' }).max(360).default(10),
  env: z.record(z.string(), z.string()).optional(),
  services: z.record(z.string(), z.unknown()).optional(),
  strategy: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(z.custom<StepModel>((s) => typeof s === 'object' && s !== null && ('run' in s || 'uses' in s), { message: "a step with 'run' or 'uses'" })).min(1),
  raw: z.record(z.string(), z.unknown()).optional(),
});

const READ_CONTENTS: Permissions = { contents: 'read' };

/**
 * A GitHub Actions workflow: checks on every pull request and push to the
 * branch. Jobs can be added and patched until synthesis.
 */
export class Pipeline extends ShipshapeConstruct {
  public readonly workflowName: string;
  public readonly branch: string;
  public readonly pins: ActionPins;
  private readonly props: z.output<typeof schema>;
  private readonly jobs = new Map<string, Omit<JobModel, 'id'>>();
  private readonly jobPaths = new Map<string, string>();

  constructor(scope: IConstruct, id: string, props: PipelineProps = {}) {
    super(scope, id);
    const p = parseProps(schema, props, this.constructPath, 'SS-PIPELINE');
    this.props = p;
    this.workflowName = p.name || id;
    this.branch = p.branch;
    this.pins = ActionPins.defaults().with(p.actionPins);
    this.addPresetJobs();
  }

  /** The workflow file this pipeline writes. */
  public get filePath(): string {
    return `.github/workflows/${this.node.id}.yml`;
  }

  /** The job ids, in order. */
  public get jobIds(): string[] {
    return [...this.jobs.keys()];
  }

  /** Add a job. Its id is also its check name unless `name` is given. */
  public addJob(id: string, options: JobOptions): void {
    const path = `${this.constructPath}/jobs/${id}`;
    parseProps(z.object({ id: nameSchema }), { id }, path, 'SS-JOB');
    if (this.jobs.has(id)) throw new ShipshapeError([problem('SS-JOB-DUPLICATE', path, 'id', id, 'a job id not used yet in this pipeline')]);
    const o = parseProps(jobSchema, options, path, 'SS-JOB');
    this.jobs.set(id, {
      name: o.name ?? id,
      needs: o.needs,
      if: o.if,
      runsOn: o.runsOn ?? this.props.runsOn,
      permissions: o.permissions,
      timeoutMinutes: o.timeoutMinutes,
      env: o.env,
      services: o.services,
      strategy: o.strategy,
      steps: o.steps,
      raw: o.raw,
    });
    this.jobPaths.set(id, path);
  }

  /** The steps that check out the code and install Node dependencies with caching. */
  public nodeSetupSteps(): StepModel[] {
    return [
      { name: 'Check out', uses: 'actions/checkout', with: { 'persist-credentials': false } },
      { name: 'Set up Node.js', uses: 'actions/setup-node', with: { 'node-version': this.props.nodeVersion, 'cache': 'npm' } },
      { name: 'Install dependencies', run: 'npm ci' },
    ];
  }

  private addPresetJobs(): void {
    const checks = { lint: 'npm run lint', test: 'npm test', build: 'npm run build', ...this.props.checks };
    const checkIds: string[] = [];
    for (const id of ['lint', 'test'] as const) {
      const cmd = checks[id];
      if (cmd === false) continue;
      this.addJob(id, { permissions: READ_CONTENTS, steps: [...this.nodeSetupSteps(), { name: id === 'lint' ? 'Lint' : 'Test', run: cmd }] });
      checkIds.push(id);
    }
    if (checks.build !== false) {
      const steps: StepModel[] = [...this.nodeSetupSteps(), { name: 'Build', run: checks.build }];
      const image = this.props.image;
      if (image) {
        steps.push(
          { name: 'Set up Docker Buildx', uses: 'docker/setup-buildx-action' },
          {
            name: 'Build image',
            uses: 'docker/build-push-action',
            with: {
              'context': image.contextPath,
              'file': image.dockerfilePath,
              'push': false,
              'tags': `${image.service.name}:ci`,
              'cache-from': 'type=gha',
              'cache-to': 'type=gha,mode=max',
            },
          },
        );
      }
      this.addJob('build', { needs: checkIds, permissions: READ_CONTENTS, timeoutMinutes: 20, steps });
    }
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems: Problem[] = [];
    for (const [id, job] of this.jobs) {
      const path = this.jobPaths.get(id)!;
      for (const need of job.needs) {
        if (!this.jobs.has(need)) problems.push(problem('SS-JOB-NEEDS', path, 'needs', need, `the id of a job in this pipeline (${this.jobIds.join(', ')})`));
      }
      job.steps.forEach((step, i) => {
        if (!step.uses) return;
        if (step.uses.includes('@')) {
          if (this.props.enforcePinning && !isPinned(step.uses)) {
            problems.push(problem('SS-ACTION-UNPINNED', path, `steps.${i}.uses`, step.uses, "an action pinned to a full commit SHA ('owner/repo@<40 hex>'), or a bare 'owner/repo' from the pin table",
              'Pin it with its commit SHA, or add it to actionPins.'));
          }
        } else if (!step.uses.startsWith('./') && !step.uses.startsWith('docker://') && !this.pins.tryFind(step.uses)) {
          problems.push(problem('SS-ACTION-UNKNOWN', path, `steps.${i}.uses`, step.uses, `an action in the pin table (${this.pins.repos.join(', ')})`, 'Add it to actionPins with its commit SHA and version.'));
        }
      });
    }
    const cycle = findCycle(this.jobs);
    if (cycle) problems.push(problem('SS-JOB-CYCLE', this.jobPaths.get(cycle[0])!, 'needs', cycle.join(' -> '), 'jobs whose needs form no cycle'));
    return problems;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const workflow: WorkflowModel = {
      name: this.workflowName,
      on: {
        pull_request: { branches: [this.branch] },
        push: { branches: [this.branch] },
        workflow_dispatch: {},
      },
      permissions: {},
      concurrency: {
        group: '${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}',
        cancelInProgress: "${{ github.event_name == 'pull_request' }}",
      },
      jobs: [...this.jobs].map(([id, job]) => ({ id, ...job })),
    };
    const model: PipelineModel = { path: this.constructPath, filePath: this.filePath, workflow, pins: this.pins.toJSON() };
    return { kind: 'pipelines', model };
  }
}

/** A cycle in the needs graph, as job ids ending where they start, or undefined. */
function findCycle(jobs: ReadonlyMap<string, { readonly needs: readonly string[] }>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done' || !jobs.has(id)) return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const n of jobs.get(id)!.needs) {
      const c = visit(n);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of jobs.keys()) {
    const c = visit(id);
    if (c) return c;
  }
  return undefined;
}
