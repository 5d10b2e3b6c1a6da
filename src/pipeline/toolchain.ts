import { z } from 'zod';
import { parseProps } from '../core/schema';
import type { StepModel } from '../github/workflow';

/** The checks a toolchain has presets for. */
export type CheckKind = 'lint' | 'format' | 'typecheck' | 'test' | 'integration' | 'build';

/** The plain-data form of a toolchain, as the job builders read it. */
export interface ToolchainModel {
  /** `node-npm`, `node-pnpm`, `node-yarn`, `python` or `go`. */
  readonly name: string;
  /** Steps after checkout: set up the language with package-manager caching and install dependencies. */
  readonly setup: readonly StepModel[];
  /** The preset command of each check, when the toolchain has one. */
  readonly commands: Readonly<Partial<Record<CheckKind, string>>>;
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
}

/** Options of {@link Toolchain.node}. */
export interface NodeToolchainOptions {
  /** @default 'npm' */
  readonly packageManager?: 'npm' | 'pnpm' | 'yarn';
  /**
   * The Node.js version.
   * @default '22'
   */
  readonly version?: string;
}

/** Options of {@link Toolchain.python}. */
export interface PythonToolchainOptions {
  /**
   * The Python version.
   * @default '3.13'
   */
  readonly version?: string;
  /**
   * The requirements file installed before the checks (it should hold the dev tools: ruff, mypy, pytest).
   * @default 'requirements.txt'
   */
  readonly requirements?: string;
}

/** Options of {@link Toolchain.go}. */
export interface GoToolchainOptions {
  /**
   * The Go version.
   * @default - the version in go.mod (`go-version-file: go.mod`)
   */
  readonly version?: string;
}

const version = z.string().regex(/^\d+(\.\d+){0,2}$/, { message: "a version such as '22' or '3.13'" });
const nodeSchema = z.strictObject({ packageManager: z.enum(['npm', 'pnpm', 'yarn']).default('npm'), version: version.default('22') });
const pythonSchema = z.strictObject({
  version: version.default('3.13'),
  requirements: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, { message: 'a relative path to a requirements file' }).default('requirements.txt'),
});
const goSchema = z.strictObject({ version: version.optional() });

const BASE_MINUTES = { lint: 3, format: 2, typecheck: 3, test: 5, integration: 6, build: 4, audit: 2 } as const;

/**
 * The language and package manager the checks run with. Each preset knows how to set
 * up the language with caching, install dependencies, and the usual command of each check.
 */
export class Toolchain {
  /** Node.js with npm, pnpm or yarn; the package manager's store is cached by actions/setup-node. */
  public static node(options: NodeToolchainOptions = {}): Toolchain {
    const o = parseProps(nodeSchema, options, 'Toolchain.node', 'SS-TOOLCHAIN');
    const pm = o.packageManager;
    const setup: StepModel[] = [];
    if (pm === 'pnpm') setup.push({ name: 'Set up pnpm', uses: 'pnpm/action-setup' });
    if (pm === 'yarn') setup.push({ name: 'Enable corepack', run: 'corepack enable' });
    setup.push({ name: 'Set up Node.js', uses: 'actions/setup-node', with: { 'node-version': o.version, 'cache': pm } });
    const install = { npm: 'npm ci', pnpm: 'pnpm install --frozen-lockfile', yarn: 'yarn install --immutable' }[pm];
    setup.push({ name: 'Install dependencies', run: install });
    const run = pm === 'npm' ? 'npm run' : pm;
    return new Toolchain({
      name: `node-${pm}`,
      setup,
      commands: {
        lint: `${run} lint`,
        format: `${run} format:check`,
        typecheck: `${run} typecheck`,
        test: `${pm} test`,
        integration: `${run} test:integration`,
        build: `${run} build`,
      },
      audit: { npm: 'npm audit --audit-level=high', pnpm: 'pnpm audit --audit-level high', yarn: 'yarn npm audit --all --recursive --severity high' }[pm],
      expectedMinutes: BASE_MINUTES,
      ecosystem: 'npm',
      codeql: { language: 'javascript-typescript', buildMode: 'none' },
      hasNode: true,
    });
  }

  /** Python with pip (cached by actions/setup-python): ruff, mypy and pytest by default. */
  public static python(options: PythonToolchainOptions = {}): Toolchain {
    const o = parseProps(pythonSchema, options, 'Toolchain.python', 'SS-TOOLCHAIN');
    return new Toolchain({
      name: 'python',
      setup: [
        { name: 'Set up Python', uses: 'actions/setup-python', with: { 'python-version': o.version, 'cache': 'pip', 'cache-dependency-path': o.requirements } },
        { name: 'Install dependencies', run: `python -m pip install -r ${o.requirements}` },
      ],
      commands: {
        lint: 'ruff check .',
        format: 'ruff format --check .',
        typecheck: 'mypy .',
        test: 'pytest',
        integration: 'pytest -m integration',
      },
      // Versions from the package registry at the time of writing; override with scans.audit.command.
      audit: `pipx run pip-audit==2.10.1 -r ${o.requirements}`,
      expectedMinutes: BASE_MINUTES,
      ecosystem: 'pip',
      codeql: { language: 'python', buildMode: 'none' },
      hasNode: false,
    });
  }

  /** Go modules (cached by actions/setup-go): vet, gofmt, build and test by default. */
  public static go(options: GoToolchainOptions = {}): Toolchain {
    const o = parseProps(goSchema, options, 'Toolchain.go', 'SS-TOOLCHAIN');
    const goVersion: Record<string, string> = o.version ? { 'go-version': o.version } : { 'go-version-file': 'go.mod' };
    return new Toolchain({
      name: 'go',
      setup: [
        { name: 'Set up Go', uses: 'actions/setup-go', with: { ...goVersion, cache: true } },
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
      audit: 'go run golang.org/x/vuln/cmd/govulncheck@v1.9.0 ./...',
      expectedMinutes: BASE_MINUTES,
      ecosystem: 'gomod',
      codeql: { language: 'go', buildMode: 'autobuild' },
      hasNode: false,
    });
  }

  private constructor(
    /** The preset as plain data. */
    public readonly model: ToolchainModel,
  ) {}
}
