import type { PresetContext } from '../defaults';
import { HealthCommand } from '../defaults';
import { Dockerfile, Mount } from '../dockerfile';

/** Options of the Python preset. */
export interface PythonPresetOptions {
  /**
   * The requirements file, with pinned versions (ideally hashes).
   * @default 'requirements.txt'
   */
  readonly requirementsFile?: string;
  /**
   * The command that starts the service, in exec form.
   * @default ['python', '-m', 'app']
   */
  readonly command?: readonly string[];
  /**
   * Debian packages needed only to build wheels (for example 'build-essential', 'libpq-dev').
   * They stay in the build stage.
   * @default []
   */
  readonly buildPackages?: readonly string[];
}

/** A fixed UID for the app user (the python images have no non-root user of their own). */
export const PYTHON_UID = 10001;

/** wheels (build every dependency once) → a slim runtime that installs them without a compiler or an index. */
export function pythonStages(df: Dockerfile, ctx: PresetContext, options: PythonPresetOptions = {}): void {
  const python = ctx.baseImages.get('python');
  const requirements = options.requirementsFile ?? 'requirements.txt';

  const wheels = df.addStage('wheels', { from: python }).workdir('/src');
  const packages = options.buildPackages ?? [];
  if (packages.length > 0) {
    wheels.run(`apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`);
  }
  wheels
    .copy({ src: requirements, dest: './requirements.txt' })
    .run('pip wheel --wheel-dir /wheels -r requirements.txt', { mounts: [Mount.cache({ target: '/root/.cache/pip' })] });

  const runtime = df.addStage('runtime', { from: python })
    .env({ PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', PORT: String(ctx.service.port) })
    .workdir('/app')
    .run('pip install --no-cache-dir --no-index --find-links=/wheels -r /tmp/requirements.txt', {
      mounts: [
        Mount.bind({ from: wheels, source: '/wheels', target: '/wheels' }),
        Mount.bind({ source: requirements, target: '/tmp/requirements.txt' }),
      ],
    })
    .copy({ src: '.', dest: '.' });
  ctx.finishRuntime(runtime, {
    uid: PYTHON_UID,
    healthcheck: HealthCommand.python(ctx.healthUrl),
    entrypoint: options.command ?? ['python', '-m', 'app'],
  });
}
