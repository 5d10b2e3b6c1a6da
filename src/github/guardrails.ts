/**
 * Repository guardrails as plain data: the branch ruleset (GitHub rulesets API format),
 * Dependabot's configuration and the GitHub environments' protection rules.
 */

export interface RulesetModel {
  /** The protected branch, for example `main`. */
  readonly branch: string;
  /** Check names required to pass, derived from the workflow's job names. */
  readonly requiredChecks: readonly string[];
  readonly requiredApprovals: number;
}

export interface DependabotModel {
  readonly updates: ReadonlyArray<{ readonly ecosystem: string; readonly directory: string }>;
  readonly interval: 'daily' | 'weekly' | 'monthly';
}

export interface GitHubEnvironmentModel {
  readonly name: string;
  readonly url?: string;
  readonly reviewers: readonly string[];
  readonly waitMinutes: number;
  /** The only branch allowed to deploy to it. */
  readonly branch: string;
}

/** The GitHub environment of a shipshape Environment: its approval, deployable only from `branch`. */
export function githubEnvironmentOf(
  env: { readonly name: string; readonly url?: string; readonly approval?: { readonly reviewers: readonly string[]; readonly waitMinutes: number } },
  branch: string,
): GitHubEnvironmentModel {
  return { name: env.name, url: env.url, reviewers: env.approval?.reviewers ?? [], waitMinutes: env.approval?.waitMinutes ?? 0, branch };
}

/** The body of `POST /repos/{owner}/{repo}/rulesets`. */
export function rulesetObject(m: RulesetModel): Record<string, unknown> {
  return {
    name: m.branch,
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: [`refs/heads/${m.branch}`], exclude: [] } },
    bypass_actors: [],
    rules: [
      { type: 'deletion' },
      { type: 'non_fast_forward' },
      { type: 'required_linear_history' },
      {
        type: 'pull_request',
        parameters: {
          required_approving_review_count: m.requiredApprovals,
          dismiss_stale_reviews_on_push: true,
          require_code_owner_review: false,
          require_last_push_approval: m.requiredApprovals > 0,
          required_review_thread_resolution: true,
        },
      },
      {
        type: 'required_status_checks',
        parameters: {
          strict_required_status_checks_policy: true,
          required_status_checks: m.requiredChecks.map((context) => ({ context })),
        },
      },
    ],
  };
}

/**
 * `.github/dependabot.yml` as an object. Each entry groups its minor and patch updates into one pull request: the
 * ruleset requires branches to be up to date, so separate PRs would each need a rebase and a new CI run after every
 * merge, and dependencies that must move together (a framework and its plugins) would fail apart. Majors stay one a PR.
 */
export function dependabotObject(m: DependabotModel): Record<string, unknown> {
  return {
    version: 2,
    updates: m.updates.map((u) => ({
      'package-ecosystem': u.ecosystem,
      'directory': u.directory,
      'schedule': { interval: m.interval },
      'groups': { 'minor-and-patch': { 'patterns': ['*'], 'update-types': ['minor', 'patch'] } },
    })),
  };
}

/**
 * `.github/environments.json`: what cannot be generated into a workflow. GitHub keeps
 * environment protection in the repository settings; the README shows how to apply this with `gh api`.
 */
export function environmentsObject(envs: readonly GitHubEnvironmentModel[]): Record<string, unknown> {
  return {
    environments: envs.map((e) => ({
      name: e.name,
      ...(e.url ? { url: e.url } : {}),
      wait_timer: e.waitMinutes,
      reviewers: e.reviewers.map((r) => (r.includes('/') ? { type: 'Team', slug: r } : { type: 'User', login: r })),
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      deployment_branches: [e.branch],
    })),
  };
}

/**
 * The check-run names a job reports, as the ruleset must list them: the job's name, or,
 * for a one-key matrix, one name per value (`test (1/4)` when the name uses
 * `${{ matrix.shard }}`, else GitHub's `name (value)`).
 */
export function checkNames(job: { readonly id: string; readonly name?: string; readonly strategy?: Readonly<Record<string, unknown>> }): string[] {
  const name = job.name ?? job.id;
  const matrix = job.strategy?.matrix as Record<string, unknown> | undefined;
  const keys = matrix ? Object.keys(matrix) : [];
  if (!matrix || keys.length !== 1 || !Array.isArray(matrix[keys[0]])) return [name];
  const ref = new RegExp(`\\$\\{\\{\\s*matrix\\.${keys[0]}\\s*\\}\\}`, 'g');
  return (matrix[keys[0]] as unknown[]).map((v) => (ref.test(name) ? name.replace(ref, String(v)) : `${name} (${String(v)})`));
}
