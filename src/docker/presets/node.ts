import { NodePackageManagerName, ProjectFacts, resolveNodePackageManager } from '../../core/project-facts';
import type { PresetContext } from '../defaults';
import { HealthCommand } from '../defaults';
import { Dockerfile, Mount } from '../dockerfile';

/** Options of the Node preset. */
export interface NodePresetOptions {
  /**
   * The package manager; its lockfile must be committed. `yarn` means Classic or Berry, as the
   * repository says. Berry needs `nodeLinker: node-modules` in .yarnrc.yml (the image copies node_modules).
   * @default - a projen NodeProject's own package manager; else package.json's `packageManager` field,
   * then the lockfile; else 'npm' (the same answer the Pipeline's Toolchain.node() gets)
   */
  readonly packageManager?: 'npm' | 'pnpm' | 'yarn' | 'yarn-classic' | 'yarn-berry';
  /**
   * The runtime image: `slim` is the official Debian slim image (runs as its `node` user, UID 1000);
   * `distroless` has no shell and no package manager (runs as `nonroot`, UID 65532).
   * @default 'slim'
   */
  readonly runtime?: 'slim' | 'distroless';
  /**
   * The file the runtime starts, relative to the app directory.
   * @default - `<outDir>/server.js`
   */
  readonly entrypoint?: string;
  /**
   * The build output folder copied into the runtime stage.
   * @default - a projen TypeScriptProject's libdir ('lib'); else 'dist'
   */
  readonly outDir?: string;
  /**
   * The build command.
   * @default - in a projen NodeProject `npx projen compile` (its compile task); else
   * `npm run build --if-present`, `pnpm run --if-present build` or `yarn run build`
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

const MANAGERS: Record<NodePackageManagerName, PackageManager> = {
  'npm': {
    manifests: ['package.json', 'package-lock.json'],
    cache: '/root/.npm',
    install: 'npm ci --no-audit --no-fund',
    installProd: 'npm ci --omit=dev --no-audit --no-fund',
    build: 'npm run build --if-present',
  },
  'pnpm': {
    manifests: ['package.json', 'pnpm-lock.yaml'],
    cache: '/root/.local/share/pnpm/store',
    install: 'corepack enable && pnpm install --frozen-lockfile',
    installProd: 'corepack enable && pnpm install --frozen-lockfile --prod',
    build: 'corepack enable && pnpm run --if-present build',
  },
  // The Yarn in the node images is Classic (1.x).
  'yarn-classic': {
    manifests: ['package.json', 'yarn.lock'],
    cache: '/usr/local/share/.cache/yarn',
    install: 'yarn install --frozen-lockfile --non-interactive',
    installProd: 'yarn install --frozen-lockfile --non-interactive --production',
    build: 'yarn run build',
  },
  // Berry comes through corepack (package.json's packageManager field); it has no --production: focus does that.
  'yarn-berry': {
    manifests: ['package.json', 'yarn.lock', '.yarnrc.yml'],
    cache: '/root/.yarn/berry/cache',
    install: 'corepack enable && yarn install --immutable',
    installProd: 'corepack enable && yarn workspaces focus --all --production',
    build: 'corepack enable && yarn run build',
  },
};

/** UID of the `node` user in the official Node images. */
export const NODE_UID = 1000;
/** UID of the `nonroot` user in the distroless images. */
export const DISTROLESS_UID = 65532;

/** The projen task the image build runs, when the project is a projen NodeProject and no command is given. */
export function projenBuild(facts: ProjectFacts, options: NodePresetOptions): string | undefined {
  if (options.buildCommand !== undefined) return undefined;
  const task = ['compile', 'build'].find((t) => facts.projen?.tasks.includes(t));
  return task ? `npx projen ${task}` : undefined;
}

/** The build output folder: the option, a projen TypeScriptProject's libdir, else 'dist'. */
export function nodeOutDir(facts: ProjectFacts, options: NodePresetOptions): string {
  return options.outDir ?? facts.projen?.libdir ?? 'dist';
}

/** deps → build → prod-deps → runtime (slim or distroless), with a cache mount for the package manager. */
export function nodeStages(df: Dockerfile, ctx: PresetContext, options: NodePresetOptions = {}): void {
  const pm = MANAGERS[resolveNodePackageManager(options.packageManager, ctx.facts, `${df.path}/preset`)];
  const outDir = nodeOutDir(ctx.facts, options);
  const entrypoint = options.entrypoint ?? `${outDir}/server.js`;
  const node = ctx.baseImages.get('node');
  const cache = Mount.cache({ target: pm.cache });

  const deps = df.addStage('deps', { from: node })
    .workdir('/app')
    .copy({ src: pm.manifests, dest: './' })
    .run(pm.install, { mounts: [cache] });

  const build = df.addStage('build', { from: deps })
    .copy({ src: '.', dest: '.' })
    .run(options.buildCommand ?? projenBuild(ctx.facts, options) ?? pm.build);

  const prodDeps = df.addStage('prod-deps', { from: node })
    .workdir('/app')
    .copy({ src: pm.manifests, dest: './' })
    // A service without production dependencies gets no node_modules from the install: make the
    // folder anyway, so the runtime's COPY of it never fails.
    .run(`${pm.installProd} && mkdir -p node_modules`, { mounts: [cache] });

  const distroless = options.runtime === 'distroless';
  const nodeBinary = distroless ? '/nodejs/bin/node' : 'node';
  const runtime = df.addStage('runtime', { from: distroless ? ctx.baseImages.get('node-distroless') : node })
    .env({ NODE_ENV: 'production' })
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
