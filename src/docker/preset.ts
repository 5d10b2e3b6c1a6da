import type { PresetContext } from './defaults';
import type { Dockerfile } from './dockerfile';
import { ShipshapeError, problem } from '../core/errors';
import type { ProjectFacts } from '../core/project-facts';
import { plainProps } from '../core/value-checks';
import { GoPresetOptions, goStages } from './presets/go';
import { NodePresetOptions, nodeOutDir, nodeStages, projenBuild } from './presets/node';
import { PythonPresetOptions, pythonStages } from './presets/python';

/**
 * What no image build context needs, whatever the language: VCS, editor and CI folders, local env files,
 * dependencies installed on the host (every projen repository has a node_modules), the tests and their
 * output, projen's own files, infra and docs.
 */
export const COMMON_DOCKERIGNORE: readonly string[] = [
  '.git', '.github', '.idea', '.vscode',
  '.env', '.env.*', '!.env.example',
  'node_modules', '**/node_modules',
  'test', 'tests', '**/__tests__', 'coverage', 'test-reports', '*.log',
  '.projen', '.projenrc.*', '.gitattributes', '.gitignore', '.npmignore', '.mergify.yml',
  'infra', 'docs', 'cdk.out',
  'Dockerfile', '.dockerignore', 'docker-compose.yml',
];

const NODE_IGNORE = ['.npm', '.pnpm-store', '.yarn/cache', 'tsconfig.dev.json', '.eslintrc.json'];
const PYTHON_IGNORE = ['__pycache__', '*.pyc', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'htmlcov', '.coverage', '*.egg-info', 'requirements-dev.txt'];
const GO_IGNORE = ['bin', '*.test', 'coverage.out', '**/*_test.go'];

/** A projen build runs `npx projen <task>`, which reads .projen/tasks.json: keep that one file in the context. */
function nodeIgnore(facts: ProjectFacts, options: NodePresetOptions): string[] {
  const common = projenBuild(facts, options) ? COMMON_DOCKERIGNORE.filter((p) => p !== '.projen').concat('.projen/deps.json', '.projen/files.json') : [...COMMON_DOCKERIGNORE];
  // The build output folder is made inside the image; a stale one on the host must not be copied in.
  return [...common, nodeOutDir(facts, options), ...NODE_IGNORE];
}

/** Options of {@link DockerPreset.custom}. */
export interface CustomPresetOptions {
  /**
   * Write the stages. Call `ctx.finishRuntime(finalStage, …)` last to get the same
   * runtime defaults as the built-in presets (non-root user, healthcheck, labels, signals).
   */
  readonly stages: (dockerfile: Dockerfile, ctx: PresetContext) => void;
  /**
   * Extra .dockerignore patterns, after the common ones.
   * @default []
   */
  readonly dockerignore?: readonly string[];
}

/** How an image is built: a preset turns a service into Dockerfile stages and a .dockerignore. */
export class DockerPreset {
  /** Node with npm, pnpm or yarn: deps → build → prod-deps → a slim or distroless non-root runtime. */
  public static node(options: NodePresetOptions = {}): DockerPreset {
    plainProps(options, 'DockerPreset.node', 'SS-DOCKER-PRESET', { known: ['packageManager', 'runtime', 'entrypoint', 'outDir', 'buildCommand'], property: 'options' });
    return new DockerPreset('node', (df, ctx) => nodeStages(df, ctx, options), (facts) => nodeIgnore(facts, options));
  }

  /** Python: build wheels, then install them in a slim runtime without a compiler. */
  public static python(options: PythonPresetOptions = {}): DockerPreset {
    plainProps(options, 'DockerPreset.python', 'SS-DOCKER-PRESET', { known: ['installer', 'uvVersion', 'requirementsFile', 'command', 'buildPackages', 'runtimePackages'], property: 'options' });
    return new DockerPreset('python', (df, ctx) => pythonStages(df, ctx, options), () => [...COMMON_DOCKERIGNORE, ...PYTHON_IGNORE]);
  }

  /** Go: a static binary on distroless static. */
  public static go(options: GoPresetOptions = {}): DockerPreset {
    plainProps(options, 'DockerPreset.go', 'SS-DOCKER-PRESET', { known: ['mainPackage', 'healthcheck'], property: 'options' });
    return new DockerPreset('go', (df, ctx) => goStages(df, ctx, options), () => [...COMMON_DOCKERIGNORE, ...GO_IGNORE]);
  }

  /** Your own stages, with the same defaults through `ctx.finishRuntime`. */
  public static custom(options: CustomPresetOptions): DockerPreset {
    if (typeof options?.stages !== 'function') {
      throw new ShipshapeError([problem('SS-DOCKER-PRESET', 'DockerPreset.custom', 'stages', options?.stages, 'a function (dockerfile, ctx) => void that adds the stages')]);
    }
    return new DockerPreset('custom', options.stages, () => [...COMMON_DOCKERIGNORE, ...(options.dockerignore ?? [])]);
  }

  private constructor(
    /** The preset's name. */
    public readonly name: string,
    /** @internal */
    public readonly _stages: (dockerfile: Dockerfile, ctx: PresetContext) => void,
    /** @internal The .dockerignore patterns for a repository. */
    public readonly _dockerignore: (facts: ProjectFacts) => readonly string[],
  ) {}
}
