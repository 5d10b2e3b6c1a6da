import type { ServiceModel } from '../../model';
import type { DockerfileModel, HealthcheckModel, ImageRef } from '../model';

/** Options of the Node preset. */
export interface NodePresetOptions {
  /**
   * The base image for every stage. Pinned by tag; add a digest to pin its content.
   * @default { image: 'node', tag: '22-bookworm-slim' }
   */
  readonly baseImage?: ImageRef;
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
   * @default 'npm run build --if-present'
   */
  readonly buildCommand?: string;
}

export const NODE_DEFAULT_BASE: ImageRef = { image: 'node', tag: '22-bookworm-slim' };
/** UID and GID of the `node` user in the official Node images. */
export const NODE_UID = 1000;

/** A healthcheck that needs only `node`, which every Node runtime image has (curl is often missing). */
export function nodeHealthcheck(service: ServiceModel, nodeBinary = 'node'): HealthcheckModel {
  const url = `http://127.0.0.1:${service.port}${service.healthPath}`;
  const script = `require('http').get('${url}',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`;
  return { command: [nodeBinary, '-e', script], interval: '30s', timeout: '5s', startPeriod: '10s', retries: 3 };
}

/** deps → build → prod-deps → runtime, for npm. */
export function nodeDockerfile(service: ServiceModel, options: NodePresetOptions = {}): DockerfileModel {
  const base = options.baseImage ?? NODE_DEFAULT_BASE;
  const outDir = options.outDir ?? 'dist';
  const entrypoint = options.entrypoint ?? `${outDir}/server.js`;
  const npmCache = 'type=cache,target=/root/.npm,sharing=locked';
  return {
    globalArgs: [],
    stages: [
      {
        name: 'deps',
        from: base,
        instructions: [
          { kind: 'workdir', path: '/app' },
          { kind: 'copy', sources: ['package.json', 'package-lock.json'], dest: './' },
          { kind: 'run', mounts: [npmCache], command: 'npm ci --no-audit --no-fund' },
        ],
      },
      {
        name: 'build',
        from: { stage: 'deps' },
        instructions: [
          { kind: 'copy', sources: ['.'], dest: '.' },
          { kind: 'run', command: options.buildCommand ?? 'npm run build --if-present' },
        ],
      },
      {
        name: 'prod-deps',
        from: base,
        instructions: [
          { kind: 'workdir', path: '/app' },
          { kind: 'copy', sources: ['package.json', 'package-lock.json'], dest: './' },
          { kind: 'run', mounts: [npmCache], command: 'npm ci --omit=dev --no-audit --no-fund' },
        ],
      },
      {
        name: 'runtime',
        from: base,
        instructions: [
          { kind: 'arg', name: 'REVISION', default: 'unknown' },
          { kind: 'label', labels: { 'org.opencontainers.image.revision': '${REVISION}', 'org.opencontainers.image.title': service.name } },
          { kind: 'env', vars: { NODE_ENV: 'production', PORT: String(service.port) } },
          { kind: 'workdir', path: '/app' },
          { kind: 'copy', from: 'prod-deps', sources: ['/app/node_modules'], dest: './node_modules' },
          { kind: 'copy', from: 'build', sources: ['/app/package.json'], dest: './' },
          { kind: 'copy', from: 'build', sources: [`/app/${outDir}`], dest: `./${outDir}` },
          { kind: 'user', user: `${NODE_UID}:${NODE_UID}` },
          { kind: 'expose', port: service.port },
          { kind: 'healthcheck', check: nodeHealthcheck(service) },
          { kind: 'stopsignal', signal: 'SIGTERM' },
          { kind: 'entrypoint', command: ['node', entrypoint] },
        ],
      },
    ],
  };
}

/** What a Node service's build context never needs. */
export const NODE_DOCKERIGNORE: readonly string[] = [
  '.git', '.github', '.projen', '.env', '.env.*', '!.env.example', 'node_modules', 'dist', 'coverage', 'test-reports',
  '*.log', 'infra', 'docs', 'Dockerfile', '.dockerignore', 'docker-compose.yml',
];
