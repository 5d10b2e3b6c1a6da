import { z } from 'zod';
import { DEFAULT_SYNTH_COMMAND } from './projenrc';
import { ServiceContainer } from './service-container';
import { Toolchain } from './toolchain';
import { UPDATES_SCHEDULE } from './updates';
import { DockerImage } from '../docker/docker-image';
import { cronProblems } from '../github/cron';
import { isSha } from '../github/pins';

/** A check's settings. Every field is optional: the toolchain preset fills the command. */
export interface CheckOptions {
  /** @default - the toolchain's preset command */
  readonly command?: string;
  /** Expected minutes on a warm cache (per shard for sharded tests), for the speed budget. @default - the preset's */
  readonly expectedMinutes?: number;
  /** @default - three times the expected minutes, at least 10 */
  readonly timeoutMinutes?: number;
}

/** Settings of the unit and integration test checks. */
export interface TestCheckOptions extends CheckOptions {
  /**
   * Split the tests over this many parallel jobs (a matrix). The command sees `SHARD_INDEX` (1-based) and `SHARD_TOTAL`.
   * @default 1
   */
  readonly shards?: number;
  /** Containers the tests talk to, by host name, for example `{ postgres: ServiceContainer.postgres() }`. @default {} */
  readonly services?: Readonly<Record<string, ServiceContainer>>;
}

/** `true`: the preset command; a string: that command; `false`: no such job. */
export type Check = boolean | string | CheckOptions;
export type TestCheck = boolean | string | TestCheckOptions;

/** Which checks run. */
export interface ChecksOptions {
  /** @default true */
  readonly lint?: Check;
  /** @default false */
  readonly format?: Check;
  /** @default false */
  readonly typecheck?: Check;
  /** @default true */
  readonly test?: TestCheck;
  /** @default false */
  readonly integration?: TestCheck;
  /** @default - true when the toolchain has a build preset (Node, Go), false otherwise (Python) */
  readonly build?: Check;
}

/** A scan that is on by default: `false` switches it off, an object configures it. */
export type Scan<T> = boolean | T;

/**
 * One workload of a monorepo: the image's service, checked in the image's directory (its `contextPath`). Every field
 * is optional: the toolchain is read from the directory (go.mod: Go; pyproject.toml or requirements.txt: Python;
 * package.json or a lockfile: Node, with the package manager its lockfile or `packageManager` field names).
 */
export interface WorkloadCiOptions {
  /**
   * The language and package manager of this workload's checks, resolved against its directory.
   * @default - as the directory's manifest says (above), else the pipeline's toolchain
   */
  readonly toolchain?: Toolchain;
  /**
   * This workload's checks; each key given replaces the pipeline's for this workload.
   * @default - the pipeline's `checks`
   */
  readonly checks?: ChecksOptions;
}

/** Security scans; each is on by default. */
export interface ScansOptions {
  /** GitHub's dependency review on pull requests. @default { failOnSeverity: 'high' } */
  readonly dependencyReview?: Scan<{ readonly failOnSeverity?: 'low' | 'moderate' | 'high' | 'critical' }>;
  /** The package manager's audit (a string: that command). @default - the toolchain's audit command */
  readonly audit?: Scan<{ readonly command?: string }> | string;
  /** CodeQL SAST. @default - the toolchain's language, the `security-extended` queries */
  readonly codeql?: Scan<{ readonly languages?: readonly string[]; readonly queries?: string }>;
  /** Trivy on every built image, SARIF uploaded to code scanning. @default { severity: ['CRITICAL', 'HIGH'], ignoreUnfixed: true } */
  readonly image?: Scan<{ readonly severity?: ReadonlyArray<'UNKNOWN' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'>; readonly ignoreUnfixed?: boolean }>;
  /** gitleaks over the history. @default true */
  readonly secrets?: boolean;
  /** IaC checks of the generated CloudFormation templates (a string: that command). @default - cfn-lint over every template */
  readonly iac?: Scan<{ readonly command?: string }> | string;
}

/** Continuous deployment on the branch. */
export interface DeployOptions {
  /**
   * The environments to deploy, in order, by name.
   * @default - every environment, in the order they are declared
   */
  readonly order?: readonly string[];
  /**
   * A command run after the health check of each service, with `BASE_URL` and `SERVICE` set.
   * @default - the health check only
   */
  readonly smokeTest?: string;
}

/** Rulesets, Dependabot and the environments file. */
export interface GuardrailsOptions {
  /** Approving reviews a pull request needs. @default 1 */
  readonly requiredApprovals?: number;
  /** Write `.github/rulesets/<branch>.json`. @default true */
  readonly ruleset?: boolean;
  /** Write `.github/dependabot.yml` (the toolchain's package ecosystem only). @default 'weekly' */
  readonly dependabot?: false | 'daily' | 'weekly' | 'monthly';
  /**
   * Each deploy job first reads its GitHub environment's protection (reviewers, wait timer, deployment branch)
   * with the job's token and refuses to deploy when it differs from `.projenrc.ts`. @default true
   */
  readonly checkProtection?: boolean;
  /**
   * A scheduled workflow (`<id>-updates.yml`) that lists newer releases of the pinned actions and the current digests
   * of the base images in its job summary (Dependabot cannot: those files are generated). A cron string sets its
   * schedule; `false` leaves it out. @default '23 6 * * 1' (Mondays)
   */
  readonly updates?: false | string;
}

/** The speed budget of the pull-request path. */
export interface BudgetOptions {
  /** Minutes the PR critical path may take. @default 10 */
  readonly prMinutes?: number;
  /** Fail synthesis instead of warning when the PR path is over budget. @default false */
  readonly failOnExceed?: boolean;
}

const minutes = z.number().positive({ message: 'a positive number of minutes' });
// A control character (NUL, escape, carriage return…) in a run: script is invisible in review and changes what the shell runs.
// eslint-disable-next-line no-control-regex
const command = z.string().min(1).regex(/^[^\u0000-\u0008\u000b-\u001f\u007f]*$/, { message: 'a shell command without control characters (newlines and tabs are fine)' });
const checkShape = {
  enabled: z.boolean().default(true),
  command: command.optional(),
  expectedMinutes: minutes.optional(),
  timeoutMinutes: z.number().int().min(1).max(360).optional(),
};
const checkObject = z.strictObject(checkShape);
const testObject = z.strictObject({
  ...checkShape,
  shards: z.number().int({ message: 'a whole number of shards' }).min(1, { message: 'at least 1 shard' }).max(256).default(1),
  services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'a lowercase host name' }), z.custom<ServiceContainer>((v) => v instanceof ServiceContainer, { message: 'a ServiceContainer, for example ServiceContainer.postgres()' })).default({}),
});
const off = z.strictObject({ enabled: z.boolean().default(true) });

/** A cron expression GitHub accepts: five fields, each in its range. */
const cronSchema = z.string().superRefine((cron, ctx) => {
  const problems = cronProblems(cron);
  if (problems.length > 0) ctx.addIssue({ code: 'custom', message: `a cron expression GitHub accepts, for example '17 5 * * *' (${problems.join('; ')})` });
});

const toolchainSchema = z.custom<Toolchain>((v) => v instanceof Toolchain, { message: 'a Toolchain, for example Toolchain.node()' });
const checksSchema = z.strictObject({
  lint: checkObject.prefault({}),
  format: checkObject.prefault({ enabled: false }),
  typecheck: checkObject.prefault({ enabled: false }),
  test: testObject.prefault({}),
  integration: testObject.prefault({ enabled: false }),
  // Unset: on where the toolchain has something to build (see resolveChecks).
  build: checkObject.extend({ enabled: z.boolean().optional() }).prefault({}),
}).prefault({});
/** A repository-relative glob. */
const glob = z.string().min(1).regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\s]+$/, { message: "a repository-relative glob without spaces or '..', for example 'libs/shared/**'" });

export const pipelineSchema = z.strictObject({
  name: z.string().min(1).default(''),
  branch: z.string()
    .refine((b) => !b.startsWith('refs/'), { message: "a branch name without 'refs/heads/', for example 'main' (GitHub puts the prefix into the OIDC subject itself)" })
    .refine((b) => /^[A-Za-z0-9._/-]+$/.test(b) && !b.startsWith('/') && !b.endsWith('/') && !b.endsWith('.lock') && !b.includes('..') && !b.includes('//'), { message: 'a branch name' })
    .default('main'),
  nodeVersion: z.string().regex(/^\d+(\.\d+){0,2}$/, { message: "a Node.js version such as '22'" }).optional(),
  toolchain: toolchainSchema.optional(),
  runsOn: z.string().min(1).default('ubuntu-24.04'),
  checks: checksSchema,
  // Each workload's checks arrive merged over the pipeline's (Pipeline's constructor), so the defaults fill the same way.
  workloads: z.record(z.string(), z.strictObject({ toolchain: toolchainSchema.optional(), checks: checksSchema })).default({}),
  sharedPaths: z.array(glob).default([]),
  scans: z.strictObject({
    dependencyReview: off.extend({ failOnSeverity: z.enum(['low', 'moderate', 'high', 'critical']).default('high') }).prefault({}),
    audit: off.extend({ command: command.optional() }).prefault({}),
    codeql: off.extend({ languages: z.array(z.string().min(1)).min(1).optional(), queries: z.string().min(1).default('security-extended') }).prefault({}),
    image: off.extend({ severity: z.array(z.enum(['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])).min(1).default(['CRITICAL', 'HIGH']), ignoreUnfixed: z.boolean().default(true) }).prefault({}),
    secrets: off.prefault({}),
    iac: off.extend({ command: command.optional() }).prefault({}),
  }).prefault({}),
  image: z.instanceof(DockerImage, { message: 'a DockerImage construct' }).optional(),
  images: z.array(z.instanceof(DockerImage, { message: 'a DockerImage construct' })).optional(),
  deploy: off.extend({ order: z.array(z.string()).optional(), smokeTest: command.optional() }).prefault({}),
  drift: off.extend({ schedule: cronSchema.default('17 5 * * *') }).prefault({}),
  guardrails: z.strictObject({
    requiredApprovals: z.number().int().min(0).max(10).default(1),
    ruleset: z.boolean().default(true),
    dependabot: z.union([z.literal(false), z.enum(['daily', 'weekly', 'monthly'])]).default('weekly'),
    checkProtection: z.boolean().default(true),
    updates: z.union([z.literal(false), cronSchema]).default(UPDATES_SCHEDULE),
  }).prefault({}),
  synthCheck: off.extend({ command: command.default(DEFAULT_SYNTH_COMMAND) }).prefault({}),
  docsPaths: z.array(z.string().min(1)).min(1).default(['**/*.md', 'docs/**']),
  budget: z.strictObject({
    prMinutes: z.number().min(1, { message: 'at least 1 minute' }).default(10),
    failOnExceed: z.boolean().default(false),
  }).prefault({}),
  expectedMinutes: z.record(z.string(), minutes).default({}),
  actionPins: z.record(z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: "an 'owner/repo' key" }), z.strictObject({
    sha: z.string().refine(isSha, { message: 'a full 40-character commit SHA' }),
    version: z.string().min(1),
  })).default({}),
  enforcePinning: z.boolean().default(true),
  advancedSecurity: z.boolean().default(true),
});

export type ParsedPipelineProps = z.output<typeof pipelineSchema>;

/** `true` → `{ enabled: true }`, `false` → `{ enabled: false }`, a string → `{ command }`; objects stay. */
export function normalizeSwitch(value: unknown): unknown {
  if (value === true || value === undefined) return value === true ? { enabled: true } : undefined;
  if (value === false) return { enabled: false };
  if (typeof value === 'string') return { command: value };
  return value;
}

/** Apply {@link normalizeSwitch} to every key of a group of checks or scans. */
export function normalizeGroup(group: unknown): unknown {
  if (group === null || typeof group !== 'object' || Array.isArray(group)) return group;
  return Object.fromEntries(Object.entries(group).map(([k, v]) => [k, normalizeSwitch(v)]));
}
