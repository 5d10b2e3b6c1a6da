/**
 * The first step of every deploy job: read the GitHub environment's protection with the job's own token and refuse
 * to deploy when it is missing or differs from `.projenrc.ts` (GitHub creates an environment a job names, unprotected,
 * so a repository whose settings were never applied would otherwise deploy to prod without its reviewers).
 */
import type { GitHubEnvironmentModel } from '../github/guardrails';
import { SETTINGS_SCRIPT, reviewerKind } from '../github/settings';
import type { Permissions, StepModel } from '../github/workflow';

/** What the step needs from the job's token: `GET repos/{owner}/{repo}/environments/{name}` (and its branch policies). */
export const PROTECTION_CHECK_PERMISSIONS: Permissions = { actions: 'read' };

export const PROTECTION_CHECK_STEP = 'Check the environment protection';

/** The script: compares wait timer, reviewers and branch policy with the expected values in its env. */
export const PROTECTION_CHECK_SCRIPT = [
  'set -euo pipefail',
  'api="repos/$GITHUB_REPOSITORY/environments/$ENVIRONMENT"',
  'if ! env_json="$(gh api "$api")" || ! policies="$(gh api "$api/deployment-branch-policies" --paginate)"; then',
  '  echo "::error title=Cannot read environment $ENVIRONMENT::GET $api failed: the job needs the actions: read permission."',
  '  exit 1',
  'fi',
  "wait_timer=\"$(jq -r '[.protection_rules[]? | select(.type == \"wait_timer\") | .wait_timer] | first // 0' <<<\"$env_json\")\"",
  String.raw`named='.type + ":" + ((.reviewer.slug // .reviewer.login) | ascii_downcase)'`,
  String.raw`reviewers="$(jq -r "[.protection_rules[]? | select(.type == \"required_reviewers\") | .reviewers[]? | $named] | sort | join(\",\")" <<<"$env_json")"`,
  "custom=\"$(jq -r '.deployment_branch_policy.custom_branch_policies // false' <<<\"$env_json\")\"",
  'branches=""',
  "if [ \"$custom\" = \"true\" ]; then branches=\"$(jq -rs '[.[].branch_policies[]?.name] | sort | join(\",\")' <<<\"$policies\")\"; fi",
  'problems=()',
  '[ "$wait_timer" = "$EXPECTED_WAIT_TIMER" ] || problems+=("wait timer: $wait_timer minute(s), expected $EXPECTED_WAIT_TIMER")',
  '[ "$reviewers" = "$EXPECTED_REVIEWERS" ] || problems+=("required reviewers: \'${reviewers:-none}\', expected \'${EXPECTED_REVIEWERS:-none}\'")',
  'if [ "$custom" != "true" ] || [ "$branches" != "$EXPECTED_BRANCH" ]; then',
  '  problems+=("deployment branches: \'${branches:-any}\', expected only \'$EXPECTED_BRANCH\'")',
  'fi',
  'if [ "${#problems[@]}" -gt 0 ]; then',
  '  for p in "${problems[@]}"; do echo "::error title=Environment $ENVIRONMENT is not protected as .projenrc.ts declares::$p"; done',
  '  echo "Refusing to deploy. Apply the settings with $SETTINGS_SCRIPT (a repository administrator, once), then re-run this job."',
  '  exit 1',
  'fi',
  'echo "Environment $ENVIRONMENT is protected as .projenrc.ts declares."',
].join('\n');

/** The step that checks one environment, with what `.projenrc.ts` declares for it. */
export function protectionCheckStep(env: GitHubEnvironmentModel): StepModel {
  const reviewers = env.reviewers.map((r) => {
    const k = reviewerKind(r);
    return `${k.type}:${(k.type === 'Team' ? k.name.split('/')[1] : k.name).toLowerCase()}`;
  }).sort();
  return {
    name: PROTECTION_CHECK_STEP,
    env: {
      GH_TOKEN: '${{ github.token }}',
      ENVIRONMENT: env.name,
      EXPECTED_WAIT_TIMER: String(env.waitMinutes),
      EXPECTED_REVIEWERS: reviewers.join(','),
      EXPECTED_BRANCH: env.branch,
      SETTINGS_SCRIPT,
    },
    run: PROTECTION_CHECK_SCRIPT,
  };
}
