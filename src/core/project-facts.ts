/**
 * What shipshape reads about the repository it is synthesized in, once, in one place:
 * the toolchain's CI jobs and the image presets ask the same questions here, so they
 * cannot disagree (the package manager, the projen tasks, the Go and Python versions).
 * Read at construction from the project's own files; never from the network.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Project, javascript, typescript } from 'projen';
import { ShipshapeError, problem } from './errors';

/** A Node package manager, with Yarn's two lines told apart: their commands differ. */
export type NodePackageManagerName = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry';

/** What a projen NodeProject (or TypeScriptProject) tells us. */
export interface ProjenFacts {
  /** The project's package manager (from its NodePackageManager). */
  readonly packageManager?: NodePackageManagerName;
  /** The projen package manager name this was read from, for messages (`bun`…). */
  readonly packageManagerSource: string;
  /** Every projen task name. */
  readonly tasks: readonly string[];
  /** The TypeScript output folder (`lib` by default), or undefined for a JavaScript project. */
  readonly libdir?: string;
  /** The TypeScript source folder (`src` by default). */
  readonly srcdir?: string;
  /** The test folder (`test` by default). */
  readonly testdir?: string;
}

/** The facts of one project. */
export interface ProjectFacts {
  /** The project's directory on disk. */
  readonly dir: string;
  /**
   * The directory, relative to the repository root (`.` for the root, else for example `services/web`): the
   * toolchain prefixes the paths actions read (lockfile, go.mod) with it, since `working-directory` moves only `run:` steps.
   * @default '.'
   */
  readonly directory?: string;
  /** Set when the project is a projen NodeProject (TypeScriptProject included). */
  readonly projen?: ProjenFacts;
}

const PROJEN_PMS: Readonly<Record<string, NodePackageManagerName | undefined>> = {
  npm: 'npm',
  pnpm: 'pnpm',
  yarn: 'yarn-classic', // projen: "Currently, NodePackageManager.YARN means YARN_CLASSIC"
  yarn_classic: 'yarn-classic',
  yarn2: 'yarn-berry',
  yarn_berry: 'yarn-berry',
};

/** Read the facts of `project`. */
export function projectFacts(project: Project): ProjectFacts {
  const dir = project.outdir;
  if (!(project instanceof javascript.NodeProject)) return { dir };
  const source = String(project.package.packageManager);
  const ts = project instanceof typescript.TypeScriptProject ? project : undefined;
  return {
    dir,
    projen: {
      packageManager: PROJEN_PMS[source],
      packageManagerSource: source,
      tasks: project.tasks.all.map((t) => t.name),
      ...(ts ? { libdir: ts.libdir, srcdir: ts.srcdir, testdir: ts.testdir } : {}),
    },
  };
}

/**
 * The facts of one workload's directory inside the repository (`directory` relative to `root`, for example
 * `services/web`): its own package.json and lockfiles, go.mod, requirements. A subdirectory is not a projen project.
 */
export function directoryFacts(root: string, directory: string): ProjectFacts {
  return { dir: path.join(root, directory), directory };
}

/** The language a directory's manifest names: go.mod, then pyproject.toml or requirements.txt, then package.json or a lockfile. */
export function detectLanguage(dir: string): 'go' | 'python' | 'node' | undefined {
  if (read(dir, 'go.mod') !== undefined) return 'go';
  if (read(dir, 'pyproject.toml') !== undefined || read(dir, 'requirements.txt') !== undefined) return 'python';
  if (read(dir, 'package.json') !== undefined || detectNodePackageManager(dir) !== undefined) return 'node';
  return undefined;
}

/** Whether `file` exists in `dir`. */
export function hasFile(dir: string, file: string): boolean {
  return read(dir, file) !== undefined;
}

function read(dir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The package manager a repository without projen uses: package.json's `packageManager`
 * field first (`yarn@1.22.22` is Classic, `yarn@4.5.0` Berry), then the lockfile.
 */
export function detectNodePackageManager(dir: string): NodePackageManagerName | undefined {
  const pkg = read(dir, 'package.json');
  if (pkg) {
    try {
      const field = (JSON.parse(pkg) as { packageManager?: unknown }).packageManager;
      const m = typeof field === 'string' ? /^(npm|pnpm|yarn)@(\d+)/.exec(field) : null;
      if (m) return m[1] === 'yarn' ? (Number(m[2]) >= 2 ? 'yarn-berry' : 'yarn-classic') : m[1] as NodePackageManagerName;
    } catch {
      // an unreadable package.json: fall back to the lockfiles
    }
  }
  if (read(dir, 'pnpm-lock.yaml') !== undefined) return 'pnpm';
  const yarnLock = read(dir, 'yarn.lock');
  if (yarnLock !== undefined) return /^# yarn lockfile v1/m.test(yarnLock) && read(dir, '.yarnrc.yml') === undefined ? 'yarn-classic' : 'yarn-berry';
  if (read(dir, 'package-lock.json') !== undefined) return 'npm';
  return undefined;
}

/** A Go version as written in go.mod, and where it came from. */
export interface GoVersion {
  /** `1.24` or `1.24.3`. */
  readonly version: string;
  /** `major.minor`, which names the golang image line (`1.24-bookworm`). */
  readonly minor: string;
  /** `toolchain` or `go` (the directive it was read from). */
  readonly directive: 'toolchain' | 'go';
}

/** go.mod's `toolchain goX.Y.Z` line, else its `go X.Y[.Z]` line; undefined without a go.mod. */
export function goModVersion(dir: string): GoVersion | undefined {
  const mod = read(dir, 'go.mod');
  if (mod === undefined) return undefined;
  const toolchain = /^toolchain\s+go(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(mod);
  const go = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(mod);
  const hit = toolchain ? { version: toolchain[1], directive: 'toolchain' as const } : go ? { version: go[1], directive: 'go' as const } : undefined;
  return hit ? { ...hit, minor: hit.version.split('.').slice(0, 2).join('.') } : undefined;
}

/** pyproject.toml's `requires-python` (for example `>=3.11,<3.14`), when there is one. */
export function requiresPython(dir: string): string | undefined {
  const toml = read(dir, 'pyproject.toml');
  return toml ? /^\s*requires-python\s*=\s*["']([^"']+)["']/m.exec(toml)?.[1] : undefined;
}

/**
 * Whether the Python line `line` (`3.12`, any patch) satisfies a `requires-python` specifier
 * such as `>=3.11,<3.14` or `~=3.12`; `undefined` for a clause it cannot read.
 */
export function pythonSatisfies(line: string, spec: string): boolean | undefined {
  const [major, minor] = line.split('.').map(Number);
  const at = (a: number, b: number) => (major - a) * 1000 + (minor - b);
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(~=|===|==|!=|<=|>=|<|>)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(\.\*)?$/.exec(raw);
    if (!m) return undefined;
    const [, op, a, b = '0', patch, star] = m;
    const d = at(Number(a), Number(b));
    const hasPatch = patch !== undefined;
    const ok = op === '>=' ? d >= 0
      : op === '>' ? (hasPatch ? d >= 0 : d > 0)
        : op === '<=' ? d <= 0
          : op === '<' ? (hasPatch && Number(patch) > 0 ? d <= 0 : d < 0)
            : op === '~=' ? (hasPatch ? d === 0 : d >= 0 && major === Number(a))
              : op === '!=' ? (hasPatch && !star ? true : d !== 0)
                : d === 0;
    if (!ok) return false;
  }
  return true;
}


/**
 * The package manager of a Node toolchain or image: the option, checked against what the repository says.
 * `yarn` becomes Classic or Berry as the repository says. Without facts (no project), `yarn` means Berry.
 */
export function resolveNodePackageManager(asked: string | undefined, facts: ProjectFacts | undefined, at: string): NodePackageManagerName {
  const fail = (property: string, got: unknown, expected: string, hint?: string): never => {
    throw new ShipshapeError([problem('SS-NODE-PACKAGE-MANAGER', at, property, got, expected, hint)]);
  };
  const projen = facts?.projen;
  if (projen && projen.packageManager === undefined) {
    fail('packageManager', projen.packageManagerSource, 'a projen project on npm, pnpm or yarn (NodePackageManager.NPM, PNPM, YARN_CLASSIC or YARN_BERRY)',
      'Shipshape has no toolchain for this package manager yet; give every check a command, or switch the projen project\'s packageManager.');
  }
  const detected = projen?.packageManager ?? (facts ? detectNodePackageManager(facts.dir) : undefined);
  if (asked === undefined) return detected ?? 'npm';
  if (asked === 'yarn') {
    if (detected === 'yarn-classic' || detected === 'yarn-berry') return detected;
    if (!facts) return 'yarn-berry';
    fail('packageManager', 'yarn', "'yarn-classic' or 'yarn-berry'",
      'Nothing in the repository says which Yarn: no projen packageManager, no packageManager field in package.json, no yarn.lock.');
  }
  if (projen && projen.packageManager !== asked) {
    fail('packageManager', asked, `the projen project's own package manager, '${projen.packageManager}'`, 'Leave packageManager unset: it is read from the projen project.');
  }
  return asked as NodePackageManagerName;
}

