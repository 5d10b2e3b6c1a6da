import type { RegistryLocation } from '../core/naming';
import type { JobModel, Permissions, StepModel } from '../github/workflow';
import type { EnvironmentModel, ImageModel, ServiceModel } from '../model';
import type { ToolchainModel } from './toolchain';

/**
 * A job as the pipeline builds it: the workflow job plus what the pipeline needs to
 * know about it (when it runs, whether the ruleset requires it, where it came from).
 */
export interface JobSpec {
  readonly job: JobModel;
  /** `check`: runs on pull requests and pushes, counted in the PR path. `deploy`: only on the branch. */
  readonly stage: 'check' | 'deploy';
  /** Its check runs are required by the branch ruleset. */
  readonly required: boolean;
  /** Runs only on pull requests (so deploy jobs must not need it). */
  readonly prOnly: boolean;
  /** The construct path used in error messages. */
  readonly path: string;
}

/** What the job builders read: the pipeline's settings and the project's services, images and environments. */
export interface BuildContext {
  readonly constructPath: string;
  readonly project: string;
  readonly branch: string;
  readonly runsOn: string;
  readonly toolchain: ToolchainModel;
  readonly services: readonly ServiceModel[];
  readonly images: readonly ImageModel[];
  /** Environments in deploy order. */
  readonly environments: readonly EnvironmentModel[];
  /** Where the image repositories live (`registryLocation`: the model's registry), whatever the deploy order. */
  readonly registry?: RegistryLocation;
  /** Per-job expected minutes given by the user, by job id. */
  readonly expectedMinutes: Readonly<Record<string, number>>;
  /**
   * The workloads whose checks, image, publish and deploy run only when they changed (a `changes` job output per
   * workload, src/pipeline/changes.ts). Absent when every image builds from the repository root: everything runs.
   */
  readonly changeDetection?: { readonly workloads: readonly string[] };
}

/** The job output (of `changes`, and again of `publish`) that says whether `workload` changed. */
export function changedOutput(workload: string): string {
  return `changed-${workload}`;
}

/**
 * The condition under which a job or step of `workload` runs: its directory (or the shared configuration) changed.
 * `from` is the job that gives the answer and that the job must `need`: `changes` for the checks and the image build,
 * `publish` for the deploy jobs (publish passes it on, so a deploy job needs only publish and the previous deploy).
 * Undefined when the pipeline has no per-workload change detection (or does not know the workload): it always runs.
 *
 * A deploy of an unchanged workload is skipped, so it keeps running its last good tag: its image was not built for
 * this commit. Per-workload deploy jobs take this as (part of) their job-level `if:`; steps of a shared job as theirs.
 */
export function changedCondition(ctx: BuildContext, workload: string, from: 'changes' | 'publish' = 'publish'): string | undefined {
  if (!ctx.changeDetection?.workloads.includes(workload)) return undefined;
  return `needs.${from}.outputs.${changedOutput(workload)} == 'true'`;
}

/** `a && b`, either possibly absent; a side with `||` is parenthesized. */
export function andCondition(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  const wrap = (c: string) => (c.includes('||') ? `(${c})` : c);
  return `${wrap(a)} && ${wrap(b)}`;
}

export const READ: Permissions = { contents: 'read' };

/** The condition of jobs that run only for the pipeline's branch, never for pull requests. */
export function onBranch(branch: string): string {
  return `github.event_name != 'pull_request' && github.ref == 'refs/heads/${branch}'`;
}

/** Check out without leaving the token in .git/config. */
export function checkout(extra: Readonly<Record<string, string | number | boolean>> = {}): StepModel {
  return { name: 'Check out', uses: 'actions/checkout', with: { 'persist-credentials': false, ...extra } };
}

/** Default timeout: three times the expected duration, at least 10 minutes. */
export function timeoutFor(expectedMinutes: number): number {
  return Math.max(10, Math.ceil(expectedMinutes * 3));
}

/** A check-stage job with read-only contents unless told otherwise. */
export function checkJob(ctx: BuildContext, id: string, job: Omit<JobModel, 'id' | 'runsOn' | 'needs' | 'timeoutMinutes' | 'permissions'> & {
  readonly needs?: readonly string[];
  readonly permissions?: Permissions;
  readonly timeoutMinutes?: number;
  readonly expectedMinutes: number;
}, meta: { readonly required?: boolean; readonly prOnly?: boolean } = {}): JobSpec {
  const expected = ctx.expectedMinutes[id] ?? job.expectedMinutes;
  return {
    job: {
      ...job,
      id,
      name: job.name ?? id,
      needs: job.needs ?? [],
      runsOn: ctx.runsOn,
      permissions: job.permissions ?? READ,
      timeoutMinutes: job.timeoutMinutes ?? timeoutFor(expected),
      expectedMinutes: expected,
    },
    stage: 'check',
    required: meta.required ?? true,
    prOnly: meta.prOnly ?? false,
    path: `${ctx.constructPath}/jobs/${id}`,
  };
}
