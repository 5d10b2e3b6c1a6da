import { CheckScope, scopedId, scopedJob } from './checks';
import { BuildContext, JobSpec, checkJob, checkout } from './job-spec';
import { cfnLintCommand } from '../validators/cfnlint';

/** The security scans after defaults are applied; `undefined` means switched off. */
export interface ResolvedScans {
  readonly dependencyReview?: { readonly failOnSeverity: string };
  readonly audit?: { readonly command: string };
  readonly codeql?: { readonly languages: readonly string[]; readonly queries: string };
  readonly image?: { readonly severity: readonly string[]; readonly ignoreUnfixed: boolean };
  readonly secrets?: Record<string, never>;
  /** The IaC check command; undefined runs cfn-lint over every template in the environment templates' folders (bootstrap ones included). */
  readonly iac?: { readonly command?: string };
}

/**
 * The gitleaks release the secrets scan builds: the tag v8.30.1 of github.com/gitleaks/gitleaks (commit
 * 83d9cd684c87d95d656c1458ef04895a7f1cbd8e), whose go.mod names the module and the Go release it needs.
 */
export const GITLEAKS = { module: 'github.com/zricethezav/gitleaks/v8', version: 'v8.30.1', go: '1.24.11' } as const;

/** The package manager's audit: at the root, or (`<workload>-audit`) in one workload's directory with its toolchain. */
export function auditJob(ctx: BuildContext, command: string, scope?: CheckScope): JobSpec {
  const toolchain = scope?.toolchain ?? ctx.toolchain;
  return scopedJob(ctx, scope, checkJob(ctx, scopedId(scope, 'audit'), {
    steps: [checkout(), ...toolchain.setup, { name: 'Audit dependencies', run: command }],
    expectedMinutes: toolchain.expectedMinutes.audit,
  }));
}

/** Every enabled scan as its own job, independent of the others. The image scan lives in the image job. */
export function scanJobs(ctx: BuildContext, scans: ResolvedScans, templates: readonly string[]): JobSpec[] {
  const jobs: JobSpec[] = [];
  if (scans.dependencyReview) {
    jobs.push(checkJob(ctx, 'dependency-review', {
      if: "github.event_name == 'pull_request'",
      steps: [
        checkout(),
        { name: 'Review dependency changes', uses: 'actions/dependency-review-action', with: { 'fail-on-severity': scans.dependencyReview.failOnSeverity } },
      ],
      expectedMinutes: 1,
    }, { prOnly: true }));
  }
  if (scans.audit) jobs.push(auditJob(ctx, scans.audit.command));
  if (scans.codeql) {
    const languages = scans.codeql.languages.join(',');
    const own = scans.codeql.languages.length === 1 && scans.codeql.languages[0] === ctx.toolchain.codeql.language;
    const buildMode = own ? ctx.toolchain.codeql.buildMode : undefined;
    jobs.push(checkJob(ctx, 'codeql', {
      permissions: { 'actions': 'read', 'contents': 'read', 'security-events': 'write' },
      steps: [
        checkout(),
        {
          name: 'Initialize CodeQL',
          uses: 'github/codeql-action/init',
          with: { languages, queries: scans.codeql.queries, ...(buildMode ? { 'build-mode': buildMode } : {}) },
        },
        { name: 'Analyze', uses: 'github/codeql-action/analyze', with: { category: `/language:${languages}` } },
      ],
      expectedMinutes: 8,
    }));
  }
  if (scans.secrets) {
    jobs.push(checkJob(ctx, 'secrets', {
      steps: [
        checkout({ 'fetch-depth': 0 }),
        // The gitleaks CLI itself (MIT, no licence key): gitleaks-action needs a paid GITLEAKS_LICENSE for organisation repositories.
        { name: 'Set up Go (to build gitleaks)', uses: 'actions/setup-go', with: { 'go-version': GITLEAKS.go, 'cache': false } },
        {
          name: 'Install gitleaks',
          // `go install module@version` checks the module against the Go checksum database (sum.golang.org).
          run: `go install ${GITLEAKS.module}@${GITLEAKS.version}`,
        },
        { name: 'Scan for secrets', run: '"$(go env GOPATH)/bin/gitleaks" git --redact --no-banner --verbose --exit-code 1 .' },
      ],
      expectedMinutes: 3,
    }));
  }
  if (scans.iac && templates.length > 0) {
    jobs.push(checkJob(ctx, 'iac', {
      steps: [
        checkout(),
        { name: 'Set up Python', uses: 'actions/setup-python', with: { 'python-version': '3.13' } },
        // Every *.template.json beside the environment templates, so the bootstrap templates are linted too, as in the tests.
        { name: 'Check the CloudFormation templates', run: scans.iac.command ?? cfnLintCommand([...new Set(templates.map((t) => `${t.replace(/[^/]*$/, '')}*.template.json`))]) },
      ],
      expectedMinutes: 2,
    }));
  }
  return jobs;
}
