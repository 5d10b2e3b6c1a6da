import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, javascript, typescript } from 'projen';
import { BaseImages, DockerImage, DockerPreset, HealthCommand, Service, Shipshape } from '../src';
import { newProject } from './docker-helpers';
import { instructionsOf } from '../src/docker/model';
import type { StageModel } from '../src/docker/model';
import { renderDockerfile } from '../src/docker/render';
import type { ImageModel } from '../src/model';
import { lintDockerfile } from '../src/validators/dockerfile';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function imageModel(preset: DockerPreset, baseImages?: BaseImages): ImageModel {
  const project = newProject();
  const service = new Service(project, 'api', { port: 3000, healthPath: '/health' });
  const image = new DockerImage(project, 'image', { service, preset, baseImages });
  return image._contribute().model as ImageModel;
}

const final = (m: ImageModel): StageModel => m.dockerfile.stages[m.dockerfile.stages.length - 1];
const lines = (m: ImageModel) => renderDockerfile(m.dockerfile).split('\n');

const PRESETS: Array<[string, () => DockerPreset, { uid: string; tool: string }]> = [
  ['node npm slim', () => DockerPreset.node(), { uid: '1000:1000', tool: 'node' }],
  ['node pnpm', () => DockerPreset.node({ packageManager: 'pnpm' }), { uid: '1000:1000', tool: 'node' }],
  ['node yarn distroless', () => DockerPreset.node({ packageManager: 'yarn-classic', runtime: 'distroless' }), { uid: '65532:65532', tool: '/nodejs/bin/node' }],
  ['python', () => DockerPreset.python(), { uid: '10001:10001', tool: 'python' }],
  ['go', () => DockerPreset.go(), { uid: '65532:65532', tool: '/app' }],
];

describe.each(PRESETS)('preset %s: the defaults a security review asks for', (_name, preset, expected) => {
  const m = imageModel(preset());
  const runtime = final(m);

  test('THEN the final stage runs as a fixed numeric non-root user', () => {
    expect(instructionsOf(runtime, 'user').map((u) => u.user)).toEqual([expected.uid]);
  });

  test("THEN it exposes the service's port and checks the service's health path with a tool the runtime has", () => {
    expect(instructionsOf(runtime, 'expose')).toEqual([{ kind: 'expose', port: 3000 }]);
    const [hc] = instructionsOf(runtime, 'healthcheck');
    expect(hc.check.command[0]).toBe(expected.tool);
    expect(hc.check.command.join(' ')).toContain('http://127.0.0.1:3000/health');
    expect(hc.check.command).not.toContain('curl');
  });

  test('THEN signals reach the process: exec-form ENTRYPOINT and STOPSIGNAL SIGTERM', () => {
    expect(instructionsOf(runtime, 'stopsignal')).toEqual([{ kind: 'stopsignal', signal: 'SIGTERM' }]);
    expect(instructionsOf(runtime, 'entrypoint')).toHaveLength(1);
    expect(lines(m)).toContainEqual(expect.stringMatching(/^ENTRYPOINT \[".+"\]$/));
  });

  test('THEN OCI labels carry the source and the revision from build args, declared after the build steps', () => {
    const [label] = instructionsOf(runtime, 'label');
    expect(label.labels['org.opencontainers.image.revision']).toBe('${REVISION}');
    expect(label.labels['org.opencontainers.image.source']).toBe('${SOURCE_URL}');
    const argAt = runtime.instructions.findIndex((i) => i.kind === 'arg');
    expect(runtime.instructions.slice(argAt).some((i) => i.kind === 'run' || i.kind === 'copy')).toBe(false);
  });

  test('THEN every dependency install uses a cache mount, and the final stage installs no dev dependencies or build tools', () => {
    const installs = m.dockerfile.stages.flatMap((s) => instructionsOf(s, 'run')).filter((r) => /(npm ci|pnpm install|yarn install|pip wheel|go mod download|go build)/.test(r.command));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) expect(r.mounts?.some((mt) => mt.type === 'cache')).toBe(true);
    for (const r of instructionsOf(runtime, 'run')) expect(r.command).not.toMatch(/npm ci(?!.*--omit=dev)|apt-get|go build|gcc|build-essential/);
  });

  test('THEN base images are pinned by tag, never latest, and stages run in a sensible order', () => {
    for (const s of m.dockerfile.stages) if (!('stage' in s.from)) expect(s.from.tag).not.toBe('latest');
    expect(lines(m)[0]).toBe('# syntax=docker/dockerfile:1');
  });

  test('THEN the Dockerfile passes dockerfile-utils and the AST checks', () => {
    expect(lintDockerfile(renderDockerfile(m.dockerfile), 'Dockerfile').filter((f) => f.severity !== 'info')).toEqual([]);
  });

  test('THEN .dockerignore keeps VCS, env files, test output, infra and docs out of the context', () => {
    expect(m.dockerignore).toEqual(expect.arrayContaining(['.git', '.env', '.env.*', '!.env.example', 'coverage', 'test-reports', 'infra', 'docs']));
  });
});

describe('base images', () => {
  test('GIVEN a digest pinned in the BaseImages table THEN every stage on that base uses it', () => {
    const m = imageModel(DockerPreset.node(), BaseImages.defaults().pin('node', DIGEST));
    expect(lines(m).filter((l) => l.startsWith('FROM node'))).toEqual([
      `FROM node:22-bookworm-slim@${DIGEST} AS deps`,
      `FROM node:22-bookworm-slim@${DIGEST} AS prod-deps`,
      `FROM node:22-bookworm-slim@${DIGEST} AS runtime`,
    ]);
  });

  test('the default table has tags only: shipshape invents no digest', () => {
    for (const [, ref] of BaseImages.defaults().entries()) {
      expect(ref.digest).toBeUndefined();
      expect(ref.tag).not.toBe('latest');
    }
  });

  test('a made-up digest is refused', () => {
    expect(() => BaseImages.defaults().pin('golang', 'sha256:1234')).toThrow(/digest: must be a digest 'sha256:' followed by 64 lowercase hex digits/);
  });
});

describe('preset specifics', () => {
  test('node: package managers use their own lockfile, install command and cache', () => {
    const pnpm = lines(imageModel(DockerPreset.node({ packageManager: 'pnpm' })));
    expect(pnpm).toContain('COPY package.json pnpm-lock.yaml ./');
    expect(pnpm).toContain('RUN --mount=type=cache,target=/root/.local/share/pnpm/store,sharing=locked corepack enable && pnpm install --frozen-lockfile --prod && mkdir -p node_modules');
    const yarn = lines(imageModel(DockerPreset.node({ packageManager: 'yarn-classic' })));
    expect(yarn).toContain('COPY package.json yarn.lock ./');
    expect(yarn).toContain('RUN --mount=type=cache,target=/usr/local/share/.cache/yarn,sharing=locked yarn install --frozen-lockfile --non-interactive --production && mkdir -p node_modules');
    expect(lines(imageModel(DockerPreset.node()))).toContain('RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev --no-audit --no-fund && mkdir -p node_modules');
  });

  test('node distroless: no shell, so node is called by its path', () => {
    const l = lines(imageModel(DockerPreset.node({ runtime: 'distroless' })));
    expect(l).toContain('FROM gcr.io/distroless/nodejs22-debian12:nonroot AS runtime');
    expect(l).toContain('ENTRYPOINT ["/nodejs/bin/node","dist/server.js"]');
  });

  test('python: build packages stay in the wheels stage, installed the apt way', () => {
    const m = imageModel(DockerPreset.python({ buildPackages: ['build-essential', 'libpq-dev'] }));
    expect(instructionsOf(m.dockerfile.stages[0], 'run')[0].command).toBe(
      'apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/*');
    expect(renderDockerfile(m.dockerfile)).not.toMatch(/FROM python[^\n]* AS runtime[\s\S]*build-essential/);
  });

  test('go: a custom healthcheck replaces the -healthcheck flag convention', () => {
    const m = imageModel(DockerPreset.go({ healthcheck: ['/healthcheck'], mainPackage: './cmd/api' }));
    expect(instructionsOf(final(m), 'healthcheck')[0].check.command).toEqual(['/healthcheck']);
    expect(lines(m).some((l) => l.endsWith('-o /out/app ./cmd/api'))).toBe(true);
  });

  test('custom: your stages, the same runtime defaults', () => {
    const m = imageModel(DockerPreset.custom({
      dockerignore: ['tmp'],
      stages: (df, ctx) => {
        const build = df.addStage('build', { from: { image: 'alpine', tag: '3.20' } }).run('echo hi > /hi');
        const runtime = df.addStage('runtime', { from: { image: 'alpine', tag: '3.20' } }).copy({ from: build, src: '/hi', dest: '/hi' });
        ctx.finishRuntime(runtime, { uid: 10001, healthcheck: HealthCommand.wget(ctx.healthUrl), entrypoint: ['cat', '/hi'] });
      },
    }));
    expect(m.dockerignore).toContain('tmp');
    expect(renderDockerfile(m.dockerfile)).toBe(`# syntax=docker/dockerfile:1

FROM alpine:3.20 AS build
RUN echo hi > /hi

FROM alpine:3.20 AS runtime
COPY --from=build /hi /hi
ENV PORT=3000
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
  CMD ["wget","-q","-O","/dev/null","http://127.0.0.1:3000/health"]
ARG SOURCE_URL=unknown
ARG REVISION=unknown
LABEL org.opencontainers.image.revision="\${REVISION}" org.opencontainers.image.source="\${SOURCE_URL}" org.opencontainers.image.title=api
STOPSIGNAL SIGTERM
ENTRYPOINT ["cat","/hi"]
`);
  });
});

describe('exact output of each preset', () => {
  const TAIL = (uid: string, health: string, entry: string) => `ENV PORT=3000
USER ${uid}
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \\
  CMD ${health}
ARG SOURCE_URL=unknown
ARG REVISION=unknown
LABEL org.opencontainers.image.revision="\${REVISION}" org.opencontainers.image.source="\${SOURCE_URL}" org.opencontainers.image.title=api
STOPSIGNAL SIGTERM
ENTRYPOINT ${entry}
`;

  test('node (npm, slim)', () => {
    expect(renderDockerfile(imageModel(DockerPreset.node()).dockerfile)).toBe(`# syntax=docker/dockerfile:1

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build --if-present

FROM node:22-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev --no-audit --no-fund && mkdir -p node_modules

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
${TAIL('1000:1000', '["node","-e","require(\'http\').get(\'http://127.0.0.1:3000/health\',r=>process.exit(r.statusCode===200?0:1)).on(\'error\',()=>process.exit(1))"]', '["node","dist/server.js"]')}`);
  });

  test('python', () => {
    expect(renderDockerfile(imageModel(DockerPreset.python()).dockerfile)).toBe(`# syntax=docker/dockerfile:1

FROM python:3.12-slim-bookworm AS wheels
WORKDIR /src
COPY requirements.txt ./requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels set -- /wheels/*.whl; if [ -e "$1" ]; then pip install --no-cache-dir --no-index --no-deps "$@"; fi
COPY . .
${TAIL('10001:10001', '["python","-c","import sys,urllib.request;sys.exit(0 if urllib.request.urlopen(\'http://127.0.0.1:3000/health\',timeout=4).status==200 else 1)"]', '["python","-m","app"]')}`);
  });

  test('go', () => {
    expect(renderDockerfile(imageModel(DockerPreset.go()).dockerfile)).toBe(`# syntax=docker/dockerfile:1

FROM golang:1.24-bookworm AS build
WORKDIR /src
COPY go.* ./
RUN --mount=type=cache,target=/go/pkg/mod,sharing=locked go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod,sharing=locked --mount=type=cache,target=/root/.cache/go-build,sharing=locked \
CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/app /app
${TAIL('65532:65532', '["/app","-healthcheck","http://127.0.0.1:3000/health"]', '["/app"]')}`);
  });
});

/** An image in a project whose directory holds `files` (go.mod, pyproject.toml…); the model and the image's problems. */
interface ImageInOptions { readonly baseImages?: BaseImages; readonly project?: (outdir: string) => Project }
function imageIn(files: Record<string, string>, preset: () => DockerPreset, options: ImageInOptions = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-preset-'));
  try {
    for (const [f, body] of Object.entries(files)) fs.writeFileSync(path.join(outdir, f), body);
    const project = options.project?.(outdir) ?? new Project({ name: 'demo', outdir });
    Shipshape.configure(project, { cloudFormationValidation: false });
    const service = new Service(project, 'api', { port: 3000, healthPath: '/health' });
    const image = new DockerImage(project, 'image', { service, preset: preset(), baseImages: options.baseImages });
    const model = image._contribute().model as ImageModel;
    return { model, text: renderDockerfile(model.dockerfile), problems: image._validate(), image };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('presets follow the repository', () => {
  const tsProject = (pm: javascript.NodePackageManager) => (outdir: string) =>
    new typescript.TypeScriptProject({ name: 'svc', defaultReleaseBranch: 'main', outdir, packageManager: pm });

  test('GIVEN a projen TypeScriptProject on Yarn Classic THEN the image installs with Yarn 1, compiles with projen into lib/ and keeps .projen/tasks.json in the context', () => {
    const { text, model } = imageIn({}, () => DockerPreset.node(), { project: tsProject(javascript.NodePackageManager.YARN_CLASSIC) });
    expect(text).toContain('yarn install --frozen-lockfile --non-interactive --production && mkdir -p node_modules');
    expect(text).toContain('RUN npx projen compile');
    expect(text).toContain('COPY --from=build /app/lib ./lib');
    expect(text).toContain('ENTRYPOINT ["node","lib/server.js"]');
    expect(model.dockerignore).not.toContain('.projen');
    expect(model.dockerignore).toEqual(expect.arrayContaining(['.projen/deps.json', '.projen/files.json', '.projenrc.*', 'node_modules', 'test', 'lib']));
  });

  test('GIVEN a projen project on Yarn Berry THEN the image uses Berry\'s own commands, not Classic flags', () => {
    const { text } = imageIn({}, () => DockerPreset.node(), { project: tsProject(javascript.NodePackageManager.YARN_BERRY) });
    expect(text).toContain('COPY package.json yarn.lock .yarnrc.yml ./');
    expect(text).toContain('corepack enable && yarn install --immutable');
    expect(text).toContain('corepack enable && yarn workspaces focus --all --production && mkdir -p node_modules');
    expect(text).not.toContain('--frozen-lockfile');
  });

  test('GIVEN a service without production dependencies THEN the prod-deps stage still has a node_modules to copy', () => {
    const { text } = imageIn({}, () => DockerPreset.node());
    expect(text).toContain('npm ci --omit=dev --no-audit --no-fund && mkdir -p node_modules');
  });

  test.each([
    ['python', () => DockerPreset.python()],
    ['go', () => DockerPreset.go()],
    ['node', () => DockerPreset.node()],
  ])('GIVEN %s THEN .dockerignore leaves out node_modules, the tests and projen\'s files, and the image is told its PORT', (_n, preset) => {
    const { model } = imageIn({}, preset);
    expect(model.dockerignore).toEqual(expect.arrayContaining(['node_modules', '**/node_modules', 'test', 'tests', '.projen', '.projenrc.*']));
    const runtime = model.dockerfile.stages[model.dockerfile.stages.length - 1];
    expect(instructionsOf(runtime, 'env').some((e) => e.vars.PORT === '3000')).toBe(true);
  });

  test('GIVEN go.mod on Go 1.23 THEN the golang build image is on 1.23, the line CI reads from the same go.mod', () => {
    const { text } = imageIn({ 'go.mod': 'module example.com/x\n\ngo 1.23.4\n' }, () => DockerPreset.go());
    expect(text).toContain('FROM golang:1.23-bookworm AS build');
    expect(text).toContain('COPY go.* ./');
  });

  test('GIVEN a toolchain line in go.mod and a golang image set by hand on another line THEN synthesis stops naming both', () => {
    const { problems } = imageIn({ 'go.mod': 'module example.com/x\n\ngo 1.23\n\ntoolchain go1.24.2\n' }, () => DockerPreset.go(),
      { baseImages: BaseImages.defaults().use('golang', { image: 'golang', tag: '1.22-bookworm' }) });
    expect(problems.map((p) => `${p.code} ${p.property}`)).toEqual(['SS-GO-VERSION baseImages.golang.tag']);
    expect(problems[0].expected).toContain("Go 1.24, the line of go.mod's 'toolchain' directive (1.24.2)");
  });

  test('python: runtime packages are installed as root before USER, and a wheel built from an sdist installs without the sdist hash', () => {
    const { text, model, problems } = imageIn({}, () => DockerPreset.python({ buildPackages: ['libpq-dev'], runtimePackages: ['libpq5'] }));
    expect(problems).toEqual([]);
    const runtime = model.dockerfile.stages[model.dockerfile.stages.length - 1];
    const apt = runtime.instructions.findIndex((i) => i.kind === 'run' && i.command.includes('libpq5'));
    const user = runtime.instructions.findIndex((i) => i.kind === 'user');
    expect(apt).toBeGreaterThanOrEqual(0);
    expect(apt).toBeLessThan(user);
    expect(text).toContain('pip install --no-cache-dir --no-index --no-deps "$@"');
    expect(text).not.toContain('--find-links=/wheels -r');
  });

  test.each([
    [['uvicorn', 'app.main:app', '--host', '127.0.0.1', '--port', '3000'], ['command: --host 127.0.0.1']],
    [['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'], ['command: --port 8000']],
    [['gunicorn', '--bind=localhost:3000', 'app:app'], ['command: --bind localhost']],
    [['python', 'manage.py', 'runserver', '127.0.0.1:8000'], ['command: runserver 127.0.0.1', 'command: runserver 8000']],
  ])('python: the start command %j cannot serve the Service and stops synthesis', (command, expected) => {
    const { problems } = imageIn({}, () => DockerPreset.python({ command }));
    expect(problems.map((p) => `${p.property}: ${String(p.got).replace(/^'|'$/g, '')}`)).toEqual(expected);
  });

  test('python: a start command on 0.0.0.0 and the Service port, or reading PORT, is fine', () => {
    expect(imageIn({}, () => DockerPreset.python({ command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '3000'] })).problems).toEqual([]);
    expect(imageIn({}, () => DockerPreset.python({ command: ['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', 'app.main:app'] })).problems).toEqual([]);
  });

  test('python: requires-python that the image\'s line does not satisfy stops synthesis, with the one place to change', () => {
    const { problems } = imageIn({ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.13"\n' }, () => DockerPreset.python());
    expect(problems.map((p) => p.code)).toEqual(['SS-PYTHON-VERSION']);
    expect(problems[0].expected).toContain('>=3.13');
    expect(imageIn({ 'pyproject.toml': '[project]\nrequires-python = ">=3.11,<3.14"\n' }, () => DockerPreset.python()).problems).toEqual([]);
  });

  test('python with uv: the locked production set is exported and built into wheels', () => {
    const { text } = imageIn({}, () => DockerPreset.python({ installer: 'uv', uvVersion: '0.5.11' }));
    expect(text).toContain('COPY pyproject.toml uv.lock ./');
    expect(text).toContain('pip install uv==0.5.11 && uv export --locked --no-dev --no-emit-project --format requirements-txt -o requirements.txt');
  });

  test('a RUN added to the final stage after the non-root USER is refused with the way to do it', () => {
    const { image } = imageIn({}, () => DockerPreset.python());
    image.targetStage.run('apt-get update && apt-get install -y libpq5');
    const problems = image._validate();
    expect(problems.map((p) => p.code)).toEqual(['SS-DOCKER-RUN-AFTER-USER']);
    expect(problems[0].hint).toContain('runtimePackages');
  });

  test('a Service env PORT other than its port is refused: the port has one owner', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-preset-'));
    try {
      const project = new Project({ name: 'demo', outdir });
      const service = new Service(project, 'api', { port: 3000, env: { PORT: { value: '8000' } } });
      const image = new DockerImage(project, 'image', { service, preset: DockerPreset.python() });
      expect(image._validate().map((p) => `${p.code} ${p.property}`)).toEqual(['SS-SERVICE-PORT-ENV env.PORT']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
