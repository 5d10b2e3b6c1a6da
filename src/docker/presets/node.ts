import type { PresetContext } from '../defaults';
import { HealthCommand } from '../defaults';
import { Dockerfile, Mount } from '../dockerfile';

/** Options of the Node preset. */
export interface NodePresetOptions {
  /**
   * The package manager; its lockfile must be committed.
   * @default 'npm'
   */
  readonly packageManager?: 'npm' | 'pnpm' | 'yarn';
  /**
   * The runtime image: `slim` is the official Debian slim image (runs as its `node` user, UID 1000);
   * `distroless` has no shell and no package manager (runs as `nonroot`, UID 65532).
   * @default 'slim'
   */
  readonly runtime?: 'slim' | 'distroless';
  /**
   * The file the runtime starts, relative to the app directory.
   * @default 'dist/server.js'
   */
  readonly entrypoint?: string;
  /**
   * The build output folder copied into the runtime stage.
   * @default 'dist'
   */
  readonly outDir?: string;
  /**
   * The build command.
   * @default - `npm run build --if-present`, `pnpm run --if-present build` or `yarn run build`
   */
  readonly buildCommand?: string;
}

interface PackageManager {
  readonly manifests: readonly string[];
  readonly cache: string;
  readonly install: string;
  readonly installProd: string;
  readonly build: string;
}

const MANAGERS: Record<'npm' | 'pnpm' | 'yarn', PackageManager> = {
  npm: {
    manifests: ['package.json', 'package-lock.json'],
    cache: '/root/.npm',
    install: 'npm ci --no-audit --no-fund',
    installProd: 'npm ci --omit=dev --no-audit --no-fund',
    build: 'npm run build --if-present',
  },
  pnpm: {
    manifests: ['package.json', 'pnpm-lock.yaml'],
    cache: '/root/.local/share/pnpm/store',
    install: 'corepack enable && pnpm install --frozen-lockfile',
    installProd: 'corepack enable && pnpm install --frozen-lockfile --prod',
    build: 'corepack enable && pnpm run --if-present build',
  },
  yarn: {
    manifests: ['package.json', 'yarn.lock'],
    cache: '/usr/local/share/.cache/yarn',
    install: 'yarn install --frozen-lockfile --non-interactive',
    installProd: 'yarn install --frozen-lockfile --non-interactive --production',
    build: 'yarn run build',
  },
};

/** UID of the `node` user in the official Node images. */
export const NODE_UID = 1000;
/** UID of the `nonroot` user in the distroless images. */
export const DISTROLESS_UID = 65532;

/** deps → build → prod-deps → runtime (slim or distroless), with a cache mount for the package manager. */
export function nodeStages(df: Dockerfile, ctx: PresetContext, options: NodePresetOptions = {}): void {
  const pm = MANAGERS[options.packageManager ?? 'npm'];
  const outDir = options.outDir ?? 'dist';
  const entrypoint = options.entrypoint ?? `${outDir}/server.js`;
  const node = ctx.baseImages.get('node');
  const cache = Mount.cache({ target: pm.cache });

  const deps = df.addStage('deps', { from: node })
    .workdir('/app')
    .copy({ src: pm.manifests, dest: './' })
    .run(pm.install, { mounts: [cache] });

  const build = df.addStage('build', { from: deps })
    .copy({ src: '.', dest: '.' })
    .run(options.buildCommand ?? pm.build);

  const prodDeps = df.addStage('prod-deps', { from: node })
    .workdir('/app')
    .copy({ src: pm.manifests, dest: './' })
    .run(pm.installProd, { mounts: [cache] });

  const distroless = options.runtime === 'distroless';
  const nodeBinary = distroless ? '/nodejs/bin/node' : 'node';
  const runtime = df.addStage('runtime', { from: distroless ? ctx.baseImages.get('node-distroless') : node })
    .env({ NODE_ENV: 'production', PORT: String(ctx.service.port) })
    .workdir('/app')
    // Owned by root and read-only to the app user: the process cannot rewrite its own code.
    .copy({ from: prodDeps, src: '/app/node_modules', dest: './node_modules' })
    .copy({ from: build, src: '/app/package.json', dest: './' })
    .copy({ from: build, src: `/app/${outDir}`, dest: `./${outDir}` });
  ctx.finishRuntime(runtime, {
    uid: distroless ? DISTROLESS_UID : NODE_UID,
    healthcheck: HealthCommand.node(ctx.healthUrl, nodeBinary),
    entrypoint: [nodeBinary, entrypoint],
  });
}
