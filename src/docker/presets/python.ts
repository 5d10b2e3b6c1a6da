import { Problem, ShipshapeError, problem } from '../../core/errors';
import { pythonLine } from '../base-images';
import type { PresetContext } from '../defaults';
import { HealthCommand } from '../defaults';
import { Dockerfile, Mount } from '../dockerfile';

/** Options of the Python preset. */
export interface PythonPresetOptions {
  /**
   * How dependencies are resolved. `pip`: the requirements file; `uv`: `uv export --locked --no-dev`
   * from pyproject.toml and uv.lock. Poetry is not supported: export its lock to a requirements file.
   * @default 'pip'
   */
  readonly installer?: 'pip' | 'uv';
  /**
   * The uv release the build stage installs with pip (`uv==<version>`), needed with `installer: 'uv'`.
   * @default - none
   */
  readonly uvVersion?: string;
  /**
   * The production requirements file (pip), with pinned versions (ideally hashes). Only this set goes into
   * the image: keep the dev tools (ruff, mypy, pytest) in requirements-dev.txt, which Toolchain.python() installs in CI.
   * @default 'requirements.txt'
   */
  readonly requirementsFile?: string;
  /**
   * The command that starts the service, in exec form. It must listen on 0.0.0.0 and on the Service's port:
   * read `PORT` (set in the image, the task definition and compose; gunicorn binds 0.0.0.0:$PORT by itself),
   * or give the Service's port. A command binding 127.0.0.1 or another port stops synthesis.
   * @default ['python', '-m', 'app']
   */
  readonly command?: readonly string[];
  /**
   * Debian packages needed only to build wheels (for example 'build-essential', 'libpq-dev').
   * They stay in the build stage.
   * @default []
   */
  readonly buildPackages?: readonly string[];
  /**
   * Debian packages the runtime needs, such as the C libraries that compiled wheels link against
   * (`libpq5` for psycopg built against libpq-dev). Installed as root before the image switches user.
   * @default []
   */
  readonly runtimePackages?: readonly string[];
}

/** A fixed UID for the app user (the python images have no non-root user of their own). */
export const PYTHON_UID = 10001;

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

function aptInstall(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`;
}

/**
 * What the start command binds, from the usual flags of uvicorn, gunicorn, hypercorn, flask and
 * django's runserver: a loopback host, or a port other than the Service's, cannot serve the load balancer.
 */
export function commandBindProblems(command: readonly string[], port: number, path: string): Problem[] {
  const problems: Problem[] = [];
  const bad = (got: string, expected: string, hint: string) => problems.push(problem('SS-PYTHON-COMMAND', path, 'command', got, expected, hint));
  const hint = `Listen on 0.0.0.0 and read PORT (it is ${port}), for example ['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', 'app.main:app'] (gunicorn binds 0.0.0.0:$PORT), or pass --port ${port}.`;
  const check = (host: string | undefined, p: string | undefined, flag: string) => {
    if (host !== undefined && LOOPBACK.test(host)) bad(`${flag} ${host}`, 'a host the load balancer can reach (0.0.0.0)', hint);
    if (p !== undefined && !p.includes('$') && p !== String(port)) bad(`${flag} ${p}`, `the Service's port ${port}`, hint);
  };
  command.forEach((arg, i) => {
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? command[i + 1];
    if (value === undefined) return;
    if (flag === '--port' || flag === '-p') {
      check(undefined, value, flag);
    } else if (flag === '--host' || flag === '-h') {
      check(value, undefined, flag);
    } else if (flag === '--bind' || flag === '-b') {
      const m = /^(.*):([^:]+)$/.exec(value);
      check(m ? m[1] : value, m?.[2], flag);
    }
  });
  // django: manage.py runserver 127.0.0.1:8000
  const rs = command.indexOf('runserver');
  if (rs >= 0 && command[rs + 1] && !command[rs + 1].startsWith('-')) {
    const m = /^(?:(.*):)?(\d+)$/.exec(command[rs + 1]);
    if (m) check(m[1], m[2], 'runserver');
  }
  return problems;
}

/** wheels (build every dependency once) → a slim runtime that installs them without a compiler or an index. */
export function pythonStages(df: Dockerfile, ctx: PresetContext, options: PythonPresetOptions = {}): void {
  const path = `${df.path}/preset`;
  for (const [name, list] of [['buildPackages', options.buildPackages], ['runtimePackages', options.runtimePackages]] as const) {
    (list ?? []).forEach((p, i) => {
      if (typeof p !== 'string' || !PACKAGE.test(p)) ctx.report(problem('SS-PYTHON-PACKAGES', path, `${name}.${i}`, p, "a Debian package name such as 'libpq5'"));
    });
  }
  const uv = options.installer === 'uv';
  if (uv && !/^\d+\.\d+\.\d+$/.test(options.uvVersion ?? '')) {
    throw new ShipshapeError([problem('SS-PYTHON-UV', path, 'uvVersion', options.uvVersion, "the uv release the build installs, for example '0.5.11' (see `uv --version`)")]);
  }
  const python = ctx.baseImages.get('python');
  try {
    pythonLine(ctx.baseImages, ctx.facts.dir, path);
  } catch (e) {
    if (!(e instanceof ShipshapeError)) throw e;
    e.problems.forEach((p) => ctx.report(p));
  }
  const requirements = options.requirementsFile ?? 'requirements.txt';

  const wheels = df.addStage('wheels', { from: python }).workdir('/src');
  const packages = options.buildPackages ?? [];
  if (packages.length > 0) wheels.run(aptInstall(packages));
  const pipCache = Mount.cache({ target: '/root/.cache/pip' });
  if (uv) {
    wheels
      .copy({ src: ['pyproject.toml', 'uv.lock'], dest: './' })
      .run(`pip install uv==${options.uvVersion} && uv export --locked --no-dev --no-emit-project --format requirements-txt -o requirements.txt`, { mounts: [pipCache] });
  } else {
    wheels.copy({ src: requirements, dest: './requirements.txt' });
  }
  // pip checks the hashes of hash-pinned requirements here, against what it downloads.
  wheels.run('pip wheel --wheel-dir /wheels -r requirements.txt', { mounts: [pipCache] });

  const command = options.command ?? ['python', '-m', 'app'];
  // Where the process listens: a service's port; a scheduled job listens on nothing.
  if ('port' in ctx.service) commandBindProblems(command, ctx.service.port, path).forEach((p) => ctx.report(p));
  const runtime = df.addStage('runtime', { from: python })
    .env({ PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' })
    .workdir('/app');
  if ((options.runtimePackages ?? []).length > 0) runtime.run(aptInstall(options.runtimePackages!));
  runtime
    // The wheels, not the requirements file again: a wheel built from an sdist has another hash than the
    // sdist pinned in a hash-checked file. The set is already resolved and checked in the wheels stage.
    .run('set -- /wheels/*.whl; if [ -e "$1" ]; then pip install --no-cache-dir --no-index --no-deps "$@"; fi', {
      mounts: [Mount.bind({ from: wheels, source: '/wheels', target: '/wheels' })],
    })
    .copy({ src: '.', dest: '.' });
  ctx.finishRuntime(runtime, {
    uid: PYTHON_UID,
    healthcheck: HealthCommand.python(ctx.healthUrl),
    entrypoint: command,
  });
}
