import { z } from 'zod';
import { ShipshapeError, problem } from '../core/errors';
import { NodePackageManagerName, ProjectFacts, goModVersion, resolveNodePackageManager } from '../core/project-facts';
import { parseProps } from '../core/schema';
import { BaseImages, pythonLine } from '../docker/base-images';
import type { StepModel } from '../github/workflow';

/** The checks a toolchain has presets for. */
export type CheckKind = 'lint' | 'format' | 'typecheck' | 'test' | 'integration' | 'build';

/** The plain-data form of a toolchain, as the job builders read it. */
export interface ToolchainModel {
  /** `node-npm`, `node-pnpm`, `node-yarn-classic`, `node-yarn-berry`, `node-projen-<pm>`, `python` or `go`. */
  readonly name: string;
  /** Steps after checkout: set up the language with package-manager caching and install dependencies. */
  readonly setup: readonly StepModel[];
  /** The preset command of each check, when the toolchain has one. */
  readonly commands: Readonly<Partial<Record<CheckKind, string>>>;
  /**
   * The preset command of a test check split over `SHARD_TOTAL` jobs: each shard runs its own part
   * (reading `SHARD_INDEX`, 1-based). A check without one cannot be sharded by its preset.
   */
  readonly shardedCommands: Readonly<Partial<Record<'test' | 'integration', string>>>;
  /** The dependency audit command. */
  readonly audit: string;
  /** Expected minutes of each check on a warm cache, for the speed budget. */
  readonly expectedMinutes: Readonly<Record<CheckKind | 'audit', number>>;
  /** The Dependabot `package-ecosystem`. */
  readonly ecosystem: 'npm' | 'pip' | 'gomod';
  /** The CodeQL language and its build mode. */
  readonly codeql: { readonly language: string; readonly buildMode: 'none' | 'autobuild' };
  /** Whether `npx projen` can run after `setup` (Node toolchains) or needs Node set up first. */
  readonly hasNode: boolean;
  /**
   * The directory the checks run in, relative to the repository root (`.`: the root). The setup steps' action
   * inputs (lockfile, go.mod, requirement files) already name it; `run:` steps need the job's `working-directory`.
   */
  readonly directory: string;
  /** The files Dependabot's ecosystem reads in that directory; an update entry needs one of them there. */
  readonly manifests: readonly string[];
  /** The Node.js version a Node toolchain sets up (a workload whose directory says Node gets the pipeline's). */
  readonly nodeVersion?: string;
}

/** `file` inside `directory` (relative to the repository root), as action inputs read it. */
export function inDirectory(directory: string, file: string): string {
  return directory === '.' ? file : `${directory}/${file}`;
}

/** Options of {@link Toolchain.node}. */
export interface NodeToolchainOptions {
  /**
   * The package manager. `yarn` means: Classic or Berry, as the repository says (below); their
   * commands differ (`--frozen-lockfile` and `yarn audit` against `--immutable` and `yarn npm audit`).
   * @default - a projen NodeProject's own package manager; else package.json's `packageManager`
   * field, then the lockfile (pnpm-lock.yaml, yarn.lock, package-lock.json); else 'npm'
   */
  readonly packageManager?: 'npm' | 'pnpm' | 'yarn' | 'yarn-classic' | 'yarn-berry';
  /**
   * The Node.js version.
   * @default '22'
   */
  readonly version?: string;
}

/** Options of {@link Toolchain.python}. */
export interface PythonToolchainOptions {
  /**
   * The Python version (a line such as '3.12').
   * @default - the line of the `python` base image ({@link BaseImages}), checked against pyproject.toml's `requires-python`
   */
  readonly version?: string;
  /**
   * How dependencies are installed. `pip`: from requirement files; `uv`: `uv sync --locked` from
   * pyproject.toml and uv.lock (Poetry is not supported: export its lock to requirement files).
   * @default 'pip'
   */
  readonly installer?: 'pip' | 'uv';
  /**
   * The uv version CI installs with pip (`uv==<version>`), needed with `installer: 'uv'`:
   * shipshape does not pick one for you.
   * @default - none
   */
  readonly uvVersion?: string;
  /**
   * The production requirements file (pip only). The image installs this one alone.
   * @default 'requirements.txt'
   */
  readonly requirements?: string;
  /**
   * The development requirements file with the tools the checks run (ruff, mypy, pytest), installed
   * with the production one in CI (pip only). Give `requirements` the same file to use one set.
   * @default 'requirements-dev.txt'
   */
  readonly devRequirements?: string;
}

/** Options of {@link Toolchain.go}. */
export interface GoToolchainOptions {
  /**
   * The Go version. Prefer go.mod's `go`/`toolchain` line: the CI jobs and the golang image both read it.
   * @default - the version in go.mod (`go-version-file: go.mod`)
   */
  readonly version?: string;
}

const version = z.string().regex(/^\d+(\.\d+){0,2}$/, { message: "a version such as '22' or '3.13'" });
const file = z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, { message: 'a relative path to a requirements file' });
const nodeSchema = z.strictObject({ packageManager: z.enum(['npm', 'pnpm', 'yarn', 'yarn-classic', 'yarn-berry']).optional(), version: version.default('22') });
const pythonSchema = z.strictObject({
  version: version.optional(),
  installer: z.enum(['pip', 'uv']).default('pip'),
  uvVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { message: "a uv release such as '0.5.11'" }).optional(),
  requirements: file.default('requirements.txt'),
  devRequirements: file.default('requirements-dev.txt'),
});
const goSchema = z.strictObject({ version: version.optional() });

const BASE_MINUTES = { lint: 3, format: 2, typecheck: 3, test: 5, integration: 6, build: 4, audit: 2 } as const;

/** The projen task each check runs, first found wins. */
const PROJEN_TASKS: Readonly<Record<CheckKind, readonly string[]>> = {
  lint: ['eslint', 'lint'],
  format: ['format:check', 'format'],
  typecheck: ['typecheck'],
  test: ['test'],
  integration: ['test:integration', 'integ'],
  // `compile`, not `build`: projen's build task runs the tests and eslint again, which their own jobs already do.
  build: ['compile', 'build'],
};

/**
 * projen's tasks fix instead of failing (`eslint --fix`, `jest --updateSnapshot`); projen's own build workflow
 * catches that by failing on the changed files. The checks do the same.
 */
const UNCHANGED = [
  '# projen\'s task fixes files (eslint --fix, jest --updateSnapshot): a change means the commit was not clean',
  'git diff --exit-code',
  'test -z "$(git status --porcelain)" || { git status --short; exit 1; }',
].join('\n');

/** What each Node package manager runs in CI, and its lockfile (setup-node's cache key in a subdirectory). */
interface NodeCi {
  readonly install: string;
  readonly run: string;
  readonly test: string;
  readonly audit: string;
  readonly cache: string;
  readonly lockfile: string;
}
const NODE_CI: Readonly<Record<NodePackageManagerName, NodeCi>> = {
  'npm': { install: 'npm ci', run: 'npm run', test: 'npm test', audit: 'npm audit --audit-level=high', cache: 'npm', lockfile: 'package-lock.json' },
  'pnpm': { install: 'pnpm install --frozen-lockfile', run: 'pnpm', test: 'pnpm test', audit: 'pnpm audit --audit-level high', cache: 'pnpm', lockfile: 'pnpm-lock.yaml' },
  // Yarn 1 has no --immutable and no `yarn npm`; its audit exit code is a mask of the severities found
  // (--level filters the table only): fail on HIGH (8) or CRITICAL (16).
  'yarn-classic': { install: 'yarn install --frozen-lockfile --non-interactive', run: 'yarn', test: 'yarn test', audit: 'yarn audit --level high || [ $(( $? & 24 )) -eq 0 ]', cache: 'yarn', lockfile: 'yarn.lock' },
  'yarn-berry': { install: 'yarn install --immutable', run: 'yarn', test: 'yarn test', audit: 'yarn npm audit --all --recursive --severity high', cache: 'yarn', lockfile: 'yarn.lock' },
};

/** Split `go list` output over the shards; a shard with no package has nothing to run. */
const GO_SHARD = (tags: string) => [
  `pkgs=$(go list${tags} ./... | awk -v n="$SHARD_TOTAL" -v i="$SHARD_INDEX" '(NR - 1) % n == i - 1')`,
  'if [ -z "$pkgs" ]; then echo "No package falls in shard $SHARD_INDEX of $SHARD_TOTAL."; exit 0; fi',
  '# shellcheck disable=SC2086 # one package a word',
  `go test${tags} $pkgs`,
].join('\n');

/** pytest-split style without a plugin: every shard collects the same ids and runs its own slice. */
const PYTEST_SHARD = (pytest: string, marker: string) => [
  `${pytest} --collect-only -q -m "${marker}" | grep '::' | awk -v n="$SHARD_TOTAL" -v i="$SHARD_INDEX" '(NR - 1) % n == i - 1' > shard-tests.txt`,
  'if [ ! -s shard-tests.txt ]; then echo "No test falls in shard $SHARD_INDEX of $SHARD_TOTAL."; exit 0; fi',
  `xargs -d '\\n' ${pytest} -m "${marker}" < shard-tests.txt`,
].join('\n');

/**
 * The language and package manager the checks run with. Each preset knows how to set
 * up the language with caching, install dependencies, and the usual command of each check.
 * A Pipeline resolves its toolchain against the repository it is synthesized in: a projen
 * NodeProject's tasks and package manager, go.mod's Go version, pyproject.toml's `requires-python`.
 */
export class Toolchain {
  /** Node.js with npm, pnpm or Yarn (Classic or Berry); the package manager's store is cached by actions/setup-node. */
  public static node(options: NodeToolchainOptions = {}): Toolchain {
    const o = parseProps(nodeSchema, options, 'Toolchain.node', 'SS-TOOLCHAIN');
    const resolve = (facts?: ProjectFacts): ToolchainModel => {
      const pm = resolveNodePackageManager(o.packageManager, facts, 'Toolchain.node');
      const ci = NODE_CI[pm];
      const directory = facts?.directory ?? '.';
      const sub = directory !== '.';
      const setup: StepModel[] = [];
      // In a subdirectory, the actions read that directory's package.json (pnpm's version) and lockfile (the cache key).
      if (pm === 'pnpm') setup.push({ name: 'Set up pnpm', uses: 'pnpm/action-setup', ...(sub ? { with: { package_json_file: inDirectory(directory, 'package.json') } } : {}) });
      // Berry is fetched by corepack from package.json's packageManager field; the runners' Yarn is Classic.
      if (pm === 'yarn-berry') setup.push({ name: 'Enable corepack', run: 'corepack enable' });
      setup.push({
        name: 'Set up Node.js',
        uses: 'actions/setup-node',
        with: { 'node-version': o.version, 'cache': ci.cache, ...(sub ? { 'cache-dependency-path': inDirectory(directory, ci.lockfile) } : {}) },
      });
      setup.push({ name: 'Install dependencies', run: ci.install });
      const commands: Partial<Record<CheckKind, string>> = {
        lint: `${ci.run} lint`,
        format: `${ci.run} format:check`,
        typecheck: `${ci.run} typecheck`,
        test: ci.test,
        integration: `${ci.run} test:integration`,
        build: `${ci.run} build`,
      };
      const tasks = facts?.projen?.tasks;
      if (tasks) {
        for (const kind of Object.keys(PROJEN_TASKS) as CheckKind[]) {
          const task = PROJEN_TASKS[kind].find((t) => tasks.includes(t));
          if (task) commands[kind] = kind === 'build' ? `npx projen ${task}` : `npx projen ${task}\n${UNCHANGED}`;
        }
      }
      return {
        name: `node-${tasks ? 'projen-' : ''}${pm}`,
        setup,
        commands,
        shardedCommands: {},
        audit: ci.audit,
        expectedMinutes: BASE_MINUTES,
        ecosystem: 'npm',
        codeql: { language: 'javascript-typescript', buildMode: 'none' },
        hasNode: true,
        directory,
        manifests: ['package.json'],
        nodeVersion: o.version,
      };
    };
    return new Toolchain(resolve);
  }

  /** Python with pip (cached by actions/setup-python) or uv: ruff, mypy and pytest by default. */
  public static python(options: PythonToolchainOptions = {}): Toolchain {
    const o = parseProps(pythonSchema, options, 'Toolchain.python', 'SS-TOOLCHAIN');
    if (o.installer === 'uv' && !o.uvVersion) {
      throw new ShipshapeError([problem('SS-TOOLCHAIN', 'Toolchain.python', 'uvVersion', undefined, "the uv release CI installs, for example '0.5.11' (see `uv --version`)")]);
    }
    const resolve = (facts?: ProjectFacts): ToolchainModel => {
      // The default table's python tag always names its line ('3.12-slim-bookworm').
      const python = o.version ?? pythonLine(BaseImages.defaults(), facts?.dir)!;
      const uv = o.installer === 'uv';
      const files = o.devRequirements === o.requirements ? [o.requirements] : [o.requirements, o.devRequirements];
      const directory = facts?.directory ?? '.';
      const setup: StepModel[] = [
        {
          name: 'Set up Python',
          uses: 'actions/setup-python',
          with: { 'python-version': python, 'cache': 'pip', 'cache-dependency-path': (uv ? ['uv.lock'] : files).map((f) => inDirectory(directory, f)).join('\n') },
        },
        { name: 'Install dependencies', run: uv ? `python -m pip install uv==${o.uvVersion} && uv sync --locked` : `python -m pip install ${files.map((f) => `-r ${f}`).join(' ')}` },
      ];
      const x = uv ? 'uv run ' : '';
      return {
        name: 'python',
        setup,
        commands: {
          lint: `${x}ruff check .`,
          format: `${x}ruff format --check .`,
          typecheck: `${x}mypy .`,
          // Unit tests leave out the integration-marked ones: those need the integration job's services.
          test: `${x}pytest -m "not integration"`,
          integration: `${x}pytest -m integration`,
        },
        shardedCommands: {
          test: PYTEST_SHARD(`${x}pytest`, 'not integration'),
          integration: PYTEST_SHARD(`${x}pytest`, 'integration'),
        },
        // Versions from the package registry at the time of writing; override with scans.audit.command.
        audit: uv ? 'uv export --locked --no-dev --no-emit-project --format requirements-txt > audit-requirements.txt && pipx run pip-audit==2.10.1 -r audit-requirements.txt' : `pipx run pip-audit==2.10.1 -r ${o.requirements}`,
        expectedMinutes: BASE_MINUTES,
        ecosystem: 'pip',
        codeql: { language: 'python', buildMode: 'none' },
        hasNode: false,
        directory,
        manifests: uv ? ['pyproject.toml'] : [o.requirements, 'pyproject.toml'],
      };
    };
    return new Toolchain(resolve);
  }

  /** Go modules (cached by actions/setup-go): vet, gofmt, build and test by default. */
  public static go(options: GoToolchainOptions = {}): Toolchain {
    const o = parseProps(goSchema, options, 'Toolchain.go', 'SS-TOOLCHAIN');
    const resolve = (facts?: ProjectFacts): ToolchainModel => {
      const mod = facts ? goModVersion(facts.dir) : undefined;
      if (o.version && mod && o.version.split('.').slice(0, 2).join('.') !== mod.minor) {
        throw new ShipshapeError([problem('SS-GO-VERSION', 'Toolchain.go', 'version', o.version, `Go ${mod.minor}, the line of go.mod's '${mod.directive}' directive (${mod.version}), which the golang image follows`,
          'Leave version unset: go.mod is the one place for the Go version.')]);
      }
      const directory = facts?.directory ?? '.';
      const goVersion: Record<string, string> = o.version ? { 'go-version': o.version } : { 'go-version-file': inDirectory(directory, 'go.mod') };
      // setup-go keys its cache on the root go.sum unless told where the module's is.
      const cachePath: Record<string, string> = directory === '.' ? {} : { 'cache-dependency-path': inDirectory(directory, 'go.sum') };
      return {
        name: 'go',
        setup: [
          { name: 'Set up Go', uses: 'actions/setup-go', with: { ...goVersion, cache: true, ...cachePath } },
          { name: 'Download modules', run: 'go mod download' },
        ],
        commands: {
          lint: 'go vet ./...',
          format: 'test -z "$(gofmt -l .)"',
          typecheck: 'go build ./...',
          test: 'go test ./...',
          integration: 'go test -tags=integration ./...',
          build: 'go build ./...',
        },
        shardedCommands: { test: GO_SHARD(''), integration: GO_SHARD(' -tags=integration') },
        audit: 'go run golang.org/x/vuln/cmd/govulncheck@v1.9.0 ./...',
        expectedMinutes: BASE_MINUTES,
        ecosystem: 'gomod',
        codeql: { language: 'go', buildMode: 'autobuild' },
        hasNode: false,
        directory,
        manifests: ['go.mod'],
      };
    };
    return new Toolchain(resolve);
  }

  /** The preset as plain data, before the repository is read (a Pipeline resolves it against the repository). */
  public readonly model: ToolchainModel;

  private constructor(private readonly resolve: (facts?: ProjectFacts) => ToolchainModel, facts?: ProjectFacts) {
    this.model = resolve(facts);
  }

  /** @internal The same toolchain, resolved against a repository's facts (projen tasks, package manager, versions). */
  public _forProject(facts: ProjectFacts): Toolchain {
    return new Toolchain(this.resolve, facts);
  }
}
