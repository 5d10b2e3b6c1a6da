import { BaseImages, DockerImage, DockerPreset, HealthCommand, Service } from '../src';
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
