import { BuildContext, JobSpec, andCondition, changedCondition, checkJob, checkout } from './job-spec';
import type { ParsedPipelineProps } from './options';
import { ServiceContainer } from './service-container';
import type { CheckKind, ToolchainModel } from './toolchain';
import { Problem, problem } from '../core/errors';
import type { DatabaseModel } from '../database/model';
import type { StepModel } from '../github/workflow';

/** A check after defaults are applied. */
export interface ResolvedCheck {
  readonly kind: CheckKind;
  readonly command: string;
  readonly expectedMinutes?: number;
  readonly timeoutMinutes?: number;
  /** Number of matrix shards (tests only). */
  readonly shards: number;
  /**
   * Whether the command splits the work over the shards (the toolchain's sharded preset, or a command that
   * reads SHARD_INDEX or SHARD_TOTAL). When it does not, every shard runs everything and the budget says so.
   */
  readonly splits?: boolean;
  readonly services: Readonly<Record<string, ServiceContainer>>;
}

/** Settings of the path filter: changes only under these globs are "docs only". */
export interface PathFilter {
  readonly docs: readonly string[];
}

const STEP_NAMES: Record<CheckKind, string> = {
  lint: 'Lint',
  format: 'Check formatting',
  typecheck: 'Type-check',
  test: 'Unit tests',
  integration: 'Integration tests',
  build: 'Build',
};

/**
 * Where a set of checks runs: at the repository root with the pipeline's toolchain, or for one workload of a
 * monorepo (jobs `<workload>-<check>`) in its directory with its own toolchain.
 */
export interface CheckScope {
  /** The workload; undefined for the root's checks (jobs named after the check alone). */
  readonly workload?: string;
  readonly toolchain: ToolchainModel;
}

/**
 * The job id of a check (or scan) of a scope: `lint` at the root, `web-lint` for the workload `web`.
 */
export function scopedId(scope: CheckScope | undefined, kind: string): string {
  return scope?.workload ? `${scope.workload}-${kind}` : kind;
}

/**
 * A job of one workload: its `run:` steps in its directory, and run only when the workload changed. The condition is
 * the job's `if:` (GitHub counts a job skipped by its `if:` as passed for a required check), except for a matrix:
 * a matrix job skipped as a whole reports one check under its unexpanded name (`web-test (${{ matrix.shard }}/2)`),
 * never the names the ruleset requires, so each of its steps carries the condition and every shard reports
 * (https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/collaborating-on-repositories-with-code-quality-features/troubleshooting-required-status-checks#handling-skipped-but-required-checks).
 */
export function scopedJob(ctx: BuildContext, scope: CheckScope | undefined, spec: JobSpec): JobSpec {
  if (!scope) return spec;
  const job = spec.job;
  const directory = scope.toolchain.directory;
  const changed = scope.workload ? changedCondition(ctx, scope.workload, 'changes') : undefined;
  const matrix = job.strategy?.matrix !== undefined;
  return {
    ...spec,
    job: {
      ...job,
      ...(directory !== '.' ? { defaults: { run: { workingDirectory: directory } } } : {}),
      ...(changed ? { needs: [...new Set([...job.needs, 'changes'])] } : {}),
      ...(changed && !matrix ? { if: andCondition(changed, job.if) } : {}),
      steps: changed && matrix ? job.steps.map((st) => ({ ...st, if: andCondition(changed, st.if) })) : job.steps,
    },
  };
}

/** One job per check, all independent, so they run in parallel. Tests shard through a matrix. */
export function checkJobs(ctx: BuildContext, checks: readonly ResolvedCheck[], scope?: CheckScope): JobSpec[] {
  const toolchain = scope?.toolchain ?? ctx.toolchain;
  return checks.map((c) => {
    const setup: StepModel[] = [checkout(), ...toolchain.setup];
    const connection = Object.assign({}, ...Object.values(c.services).map((s) => s.model.connection)) as Record<string, string>;
    const sharded = c.shards > 1;
    const env: Record<string, string> = { ...connection };
    if (sharded) Object.assign(env, { SHARD_INDEX: '${{ matrix.shard }}', SHARD_TOTAL: String(c.shards) });
    const run: StepModel = { name: STEP_NAMES[c.kind], run: c.command, ...(Object.keys(env).length > 0 ? { env } : {}) };
    const services = Object.keys(c.services).length > 0
      ? Object.fromEntries(Object.entries(c.services).map(([name, s]) => [name, s.toWorkflow()]))
      : undefined;
    const perShard = toolchain.expectedMinutes[c.kind] / (sharded && c.splits !== false ? c.shards : 1);
    const id = scopedId(scope, c.kind);
    return scopedJob(ctx, scope, checkJob(ctx, id, {
      name: sharded ? `${id} (\${{ matrix.shard }}/${c.shards})` : id,
      steps: [...setup, run],
      services,
      strategy: sharded ? { 'fail-fast': false, 'matrix': { shard: Array.from({ length: c.shards }, (_, i) => i + 1) } } : undefined,
      timeoutMinutes: c.timeoutMinutes,
      expectedMinutes: c.expectedMinutes ?? Math.max(1, Math.ceil(perShard)),
    }));
  });
}

const CHECK_ORDER: readonly CheckKind[] = ['lint', 'format', 'typecheck', 'test', 'integration', 'build'];

/**
 * The checks after defaults: each takes the toolchain's preset unless given a command. `build` is on by
 * default only where the toolchain has something to build. Sharded tests take the toolchain's sharded
 * preset; a preset that cannot split is refused rather than run whole in every shard.
 */
export function resolveChecks(toolchain: ToolchainModel, checks: ParsedPipelineProps['checks'], path: string, problems: Problem[], database?: DatabaseModel): ResolvedCheck[] {
  const out: ResolvedCheck[] = [];
  for (const kind of CHECK_ORDER) {
    const c = checks[kind] as Partial<ParsedPipelineProps['checks']['test']>;
    if (!(c.enabled ?? toolchain.commands[kind] !== undefined)) continue;
    const shards = c.shards ?? 1;
    const sharded = shards > 1 ? toolchain.shardedCommands[kind as 'test' | 'integration'] : undefined;
    const command = c.command ?? sharded ?? toolchain.commands[kind];
    if (!command) {
      problems.push(problem('SS-PIPELINE-CHECKS', path, `checks.${kind}`, true, `a command: the ${toolchain.name} toolchain has no preset for '${kind}'`));
      continue;
    }
    if (shards > 1 && c.command === undefined && sharded === undefined) {
      problems.push(problem('SS-PIPELINE-SHARDS', path, `checks.${kind}.shards`, shards, `1, or a command that runs its share: the ${toolchain.name} toolchain's '${command}' cannot be split and would run whole in every shard`,
        'Give a command that reads SHARD_INDEX (1-based) and SHARD_TOTAL, for example \'npx jest --shard="$SHARD_INDEX/$SHARD_TOTAL"\'.'));
      continue;
    }
    const splits = shards > 1 ? (c.command === undefined || /\bSHARD_(INDEX|TOTAL)\b/.test(c.command)) : undefined;
    const { expectedMinutes, timeoutMinutes } = c;
    const services = kind === 'integration' && database ? withDatabase(c.services ?? {}, database, path, problems) : c.services ?? {};
    out.push({ kind, command, expectedMinutes, timeoutMinutes, shards, ...(splits !== undefined ? { splits } : {}), services });
  }
  return out;
}

/**
 * The integration job's containers with the Database's own PostgreSQL (as `postgres`), so CI runs the version, name and
 * user RDS runs. A PostgreSQL of the user's own next to it is refused: it would repeat the Database's settings or
 * contradict them, and its DATABASE_URL would point the tests elsewhere.
 */
function withDatabase(
  services: Readonly<Record<string, ServiceContainer>>, db: DatabaseModel, path: string, problems: Problem[],
): Record<string, ServiceContainer> {
  for (const [name, s] of Object.entries(services)) {
    if (s.model.kind !== 'postgres' && name !== 'postgres') continue;
    problems.push(problem('SS-PIPELINE-DATABASE', path, `checks.integration.services.${name}`, s.model.image,
      `no PostgreSQL container of its own: ${db.path} provides 'postgres' (postgres:${db.postgresMajorVersion}, database '${db.databaseName}', user '${db.username}')`,
      'Remove it: the integration job runs the Database\'s PostgreSQL and sets DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, DATABASE_PASSWORD and PGSSLMODE.'));
  }
  return { postgres: ServiceContainer._forDatabase(db), ...Object.fromEntries(Object.entries(services).filter(([name, s]) => s.model.kind !== 'postgres' && name !== 'postgres')) };
}

/**
 * `changes`: on pull requests, whether anything outside the docs changed (dorny/paths-filter
 * reads the PR's files through the API, no checkout). Pushes of docs only never start the
 * workflow (`paths-ignore`), so on a push the answer is always yes. Required by the ruleset: the image job needs it,
 * and a job skipped because a job it needs failed counts as passed, so a broken filter would pass the image check.
 * (A monorepo's per-workload `changes` job is `workloadChangesJob` in changes.ts.)
 */
export function changesJob(ctx: BuildContext, filter: PathFilter): JobSpec {
  const filters = ['code:', "  - '**'", ...filter.docs.map((g) => `  - '!${g}'`)].join('\n');
  return checkJob(ctx, 'changes', {
    permissions: { 'contents': 'read', 'pull-requests': 'read' },
    outputs: { code: "${{ github.event_name != 'pull_request' || steps.filter.outputs.code == 'true' }}" },
    steps: [{
      name: 'Detect changes outside the docs',
      id: 'filter',
      if: "github.event_name == 'pull_request'",
      uses: 'dorny/paths-filter',
      with: { 'filters': `${filters}\n`, 'predicate-quantifier': 'every' },
    }],
    expectedMinutes: 1,
  });
}

/** The image of one service, as the CI image job builds and scans it. */
export interface ImageScan {
  readonly enabled: boolean;
  readonly severity: readonly string[];
  readonly ignoreUnfixed: boolean;
}

/**
 * `image`: build every image with buildx and the GitHub Actions layer cache (never pushed),
 * then scan it with Trivy and upload the SARIF to code scanning. Skipped for docs-only changes.
 * In a monorepo, one `<workload>-image` job per image (ctx.images holds that one image), skipped when the workload did not change.
 */
export function imageJob(ctx: BuildContext, scan: ImageScan, scope?: CheckScope): JobSpec | undefined {
  if (ctx.images.length === 0) return undefined;
  const steps: StepModel[] = [checkout(), { name: 'Set up Docker Buildx', uses: 'docker/setup-buildx-action' }];
  for (const image of ctx.images) {
    const tag = `${image.service}:ci`;
    steps.push({
      name: `Build image ${image.service}`,
      uses: 'docker/build-push-action',
      with: {
        'context': image.contextPath,
        'file': image.dockerfilePath,
        'push': false,
        'load': scan.enabled,
        'tags': tag,
        'cache-from': `type=gha,scope=${image.service}`,
        'cache-to': `type=gha,scope=${image.service},mode=max`,
      },
    });
    if (!scan.enabled) continue;
    const sarif = `trivy-${image.service}.sarif`;
    steps.push(
      {
        name: `Scan image ${image.service}`,
        uses: 'aquasecurity/trivy-action',
        with: { 'image-ref': tag, 'format': 'sarif', 'output': sarif, 'severity': scan.severity.join(','), 'ignore-unfixed': scan.ignoreUnfixed, 'exit-code': '1' },
      },
      {
        name: `Upload the image scan of ${image.service}`,
        if: `\${{ !cancelled() && hashFiles('${sarif}') != '' }}`,
        uses: 'github/codeql-action/upload-sarif',
        with: { sarif_file: sarif, category: `trivy-${image.service}` },
      },
    );
  }
  const changed = scope?.workload ? changedCondition(ctx, scope.workload, 'changes') : undefined;
  return checkJob(ctx, scopedId(scope, 'image'), {
    needs: ['changes'],
    if: changed ?? "needs.changes.outputs.code == 'true'",
    permissions: scan.enabled ? { 'contents': 'read', 'security-events': 'write' } : undefined,
    steps,
    expectedMinutes: 6 * ctx.images.length,
  });
}

/** `synth-check`: re-synthesize and fail when the committed generated files differ. */
export function synthCheckJob(ctx: BuildContext, command: string): JobSpec {
  const setup: StepModel[] = ctx.toolchain.hasNode ? [...ctx.toolchain.setup] : [
    { name: 'Set up Node.js', uses: 'actions/setup-node', with: { 'node-version': '22', 'cache': 'npm' } },
    { name: 'Install dependencies', run: 'npm ci' },
  ];
  return checkJob(ctx, 'synth-check', {
    steps: [
      checkout(),
      ...setup,
      { name: 'Re-synthesize', run: command, env: { PROJEN_DISABLE_POST: 'true' } },
      {
        name: 'Fail when generated files differ from the commit',
        run: [
          'if ! git diff --exit-code || [ -n "$(git status --porcelain)" ]; then',
          '  echo "::error::Generated files are out of date. Run \'npx projen\' and commit the result."',
          '  git status --short',
          '  exit 1',
          'fi',
        ].join('\n'),
      },
    ],
    expectedMinutes: 3,
  });
}
