/**
 * The repository settings GitHub keeps outside the repository (the branch ruleset, the environments' protection,
 * the OIDC subject template), as one idempotent script of `gh api` calls: `scripts/apply-github-settings.sh`.
 */
import type { GitHubEnvironmentModel, RulesetModel } from './guardrails';

/** What the settings script applies. */
export interface RepositorySettingsModel {
  /** The ruleset file to apply, or none. */
  readonly rulesetFile?: string;
  readonly ruleset?: RulesetModel;
  readonly environments: readonly GitHubEnvironmentModel[];
  /** The OIDC subject template file (`.github/oidc-subject.json`), when the workflows assume AWS roles. */
  readonly oidcSubjectFile?: string;
}

/** The path of the generated script. */
export const SETTINGS_SCRIPT = 'scripts/apply-github-settings.sh';

/** The path of the OIDC subject template, the body of `PUT repos/{owner}/{repo}/actions/oidc/customization/sub`. */
export const OIDC_SUBJECT_FILE = '.github/oidc-subject.json';

/** The body of `PUT repos/{owner}/{repo}/actions/oidc/customization/sub`. */
export function oidcSubjectObject(claimKeys: readonly string[]): Record<string, unknown> {
  return { use_default: false, include_claim_keys: [...claimKeys] };
}

/** A reviewer as the settings API names it: a user login, or a team `org/slug`. */
export function reviewerKind(reviewer: string): { readonly type: 'User' | 'Team'; readonly name: string } {
  return reviewer.includes('/') ? { type: 'Team', name: reviewer } : { type: 'User', name: reviewer };
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function environmentBlock(e: GitHubEnvironmentModel): string[] {
  const lines = [`# Environment ${e.name}: ${e.reviewers.length} reviewer(s), wait ${e.waitMinutes} minute(s), deploys from ${e.branch} only.`];
  lines.push('reviewers=()');
  for (const r of e.reviewers) {
    const k = reviewerKind(r);
    const [org, slug] = k.name.split('/');
    lines.push(k.type === 'Team'
      ? `reviewers+=("{\\"type\\":\\"Team\\",\\"id\\":$(gh api ${q(`orgs/${org}/teams/${slug}`)} --jq .id)}")`
      : `reviewers+=("{\\"type\\":\\"User\\",\\"id\\":$(gh api ${q(`users/${k.name}`)} --jq .id)}")`);
  }
  lines.push(
    `put_environment ${q(e.name)} ${e.waitMinutes} "$(IFS=,; echo "\${reviewers[*]}")"`,
    `only_branch ${q(e.name)} ${q(e.branch)}`,
    '',
  );
  return lines;
}

/** `scripts/apply-github-settings.sh`: every call is a create-or-update, so running it twice changes nothing. */
export function settingsScript(m: RepositorySettingsModel, header: readonly string[]): string {
  const lines: string[] = [
    '#!/usr/bin/env bash',
    ...header.map((h) => `# ${h}`),
    '#',
    '# Applies the repository settings that .projenrc.ts declares and GitHub keeps outside the repository:',
    '# the branch ruleset, each deploy environment\'s protection (reviewers, wait timer, the one branch that may',
    '# deploy) and the OIDC subject template the AWS roles trust. Idempotent: run it again after each change.',
    '# Needs the GitHub CLI, logged in as a repository administrator. Usage: scripts/apply-github-settings.sh [owner/repo]',
    'set -euo pipefail',
    '',
    'repo="${1:-$(gh repo view --json nameWithOwner --jq .nameWithOwner)}"',
    'cd "$(dirname "$0")/.."',
    '',
    '# PUT an environment: wait timer, required reviewers (ids), and custom branch policies only.',
    'put_environment() {',
    '  gh api -X PUT "repos/$repo/environments/$1" --silent --input - <<JSON',
    '{ "wait_timer": $2, "reviewers": [$3], "deployment_branch_policy": { "protected_branches": false, "custom_branch_policies": true } }',
    'JSON',
    '}',
    '',
    '# Let exactly one branch deploy to an environment: add its policy when missing, delete any other.',
    'only_branch() {',
    '  local policies id name',
    '  policies="$(gh api "repos/$repo/environments/$1/deployment-branch-policies" --paginate --jq \'.branch_policies[] | "\\(.id) \\(.type // "branch") \\(.name)"\')"',
    '  if ! grep -qxF -- "branch $2" <<<"$(cut -d" " -f2- <<<"$policies")"; then',
    '    gh api -X POST "repos/$repo/environments/$1/deployment-branch-policies" --silent -f name="$2" -f type=branch',
    '  fi',
    '  while read -r id _ name; do',
    '    if [ -n "$id" ] && [ "$name" != "$2" ]; then gh api -X DELETE "repos/$repo/environments/$1/deployment-branch-policies/$id" --silent; fi',
    '  done <<<"$policies"',
    '}',
    '',
  ];
  if (m.oidcSubjectFile) {
    lines.push(
      '# The OIDC subject template: the AWS roles trust `repo:<owner>/<repo>:environment:<env>:ref:refs/heads/<branch>`.',
      '# Deploy the bootstrap stacks (which trust that subject) before this call, or running deploys lose their access.',
      `gh api -X PUT "repos/$repo/actions/oidc/customization/sub" --silent --input ${q(m.oidcSubjectFile)}`,
      '',
    );
  }
  if (m.ruleset && m.rulesetFile) {
    lines.push(
      `# The branch ruleset: updated in place when one named ${q(m.ruleset.branch)} exists, created otherwise.`,
      `ruleset_id="$(gh api "repos/$repo/rulesets" --paginate --jq '.[] | select(.name == ${JSON.stringify(m.ruleset.branch)}) | .id' | head -n 1)"`,
      'if [ -n "$ruleset_id" ]; then',
      `  gh api -X PUT "repos/$repo/rulesets/$ruleset_id" --silent --input ${q(m.rulesetFile)}`,
      'else',
      `  gh api -X POST "repos/$repo/rulesets" --silent --input ${q(m.rulesetFile)}`,
      'fi',
      '',
    );
  }
  for (const e of m.environments) lines.push(...environmentBlock(e));
  lines.push('echo "Applied the repository settings of .projenrc.ts to $repo."', '');
  return lines.join('\n');
}
