import type { PresetContext } from './defaults';
import type { Dockerfile } from './dockerfile';
import { ShipshapeError, problem } from '../core/errors';
import { GoPresetOptions, goStages } from './presets/go';
import { NodePresetOptions, nodeStages } from './presets/node';
import { PythonPresetOptions, pythonStages } from './presets/python';

/** What no image build context needs: VCS, editor and CI folders, local env files, test output, infra and docs. */
export const COMMON_DOCKERIGNORE: readonly string[] = [
  '.git', '.github', '.projen', '.idea', '.vscode',
  '.env', '.env.*', '!.env.example',
  'coverage', 'test-reports', '*.log',
  'infra', 'docs', 'cdk.out',
  'Dockerfile', '.dockerignore', 'docker-compose.yml',
];

const NODE_IGNORE = ['node_modules', 'dist', '.npm', '.pnpm-store', '.yarn/cache'];
const PYTHON_IGNORE = ['__pycache__', '*.pyc', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'htmlcov', '.coverage', '*.egg-info'];
const GO_IGNORE = ['bin', '*.test', 'coverage.out'];

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
    return new DockerPreset('node', (df, ctx) => nodeStages(df, ctx, options), [...COMMON_DOCKERIGNORE, ...NODE_IGNORE]);
  }

  /** Python: build wheels, then install them in a slim runtime without a compiler. */
  public static python(options: PythonPresetOptions = {}): DockerPreset {
    return new DockerPreset('python', (df, ctx) => pythonStages(df, ctx, options), [...COMMON_DOCKERIGNORE, ...PYTHON_IGNORE]);
  }

  /** Go: a static binary on distroless static. */
  public static go(options: GoPresetOptions = {}): DockerPreset {
    return new DockerPreset('go', (df, ctx) => goStages(df, ctx, options), [...COMMON_DOCKERIGNORE, ...GO_IGNORE]);
  }

  /** Your own stages, with the same defaults through `ctx.finishRuntime`. */
  public static custom(options: CustomPresetOptions): DockerPreset {
    if (typeof options?.stages !== 'function') {
      throw new ShipshapeError([problem('SS-DOCKER-PRESET', 'DockerPreset.custom', 'stages', options?.stages, 'a function (dockerfile, ctx) => void that adds the stages')]);
    }
    return new DockerPreset('custom', options.stages, [...COMMON_DOCKERIGNORE, ...(options.dockerignore ?? [])]);
  }

  private constructor(
    /** The preset's name. */
    public readonly name: string,
    /** @internal */
    public readonly _stages: (dockerfile: Dockerfile, ctx: PresetContext) => void,
    /** @internal */
    public readonly _dockerignore: readonly string[],
  ) {}
}
