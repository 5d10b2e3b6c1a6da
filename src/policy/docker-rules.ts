import { finalStage, instructionsOf } from '../docker/model';
import type { DockerfileModel, StageModel } from '../docker/model';
import { imageString } from '../docker/render';
import { isSecretName, secretKind } from '../docker/secrets';
import type { ImageModel } from '../model';
import type { PolicyContext, PolicyRule, Violation } from './policy';

type StageCheck = (stage: StageModel, image: ImageModel, at: string) => Omit<Violation, 'path'>[];

/** Run a check on every stage of every image (or only the final one). */
function eachStage(ctx: PolicyContext, check: StageCheck, onlyFinal = false): Violation[] {
  const out: Violation[] = [];
  for (const image of ctx.model.images) {
    const stages = onlyFinal ? [finalStage(image.dockerfile)].filter((s): s is StageModel => !!s) : image.dockerfile.stages;
    for (const stage of stages) {
      const at = `${image.path}/${stage.name}`;
      for (const v of check(stage, image, at)) out.push({ path: at, ...v, detail: `${image.dockerfilePath}, stage '${stage.name}'${v.detail ? `: ${v.detail}` : ''}` });
    }
  }
  return out;
}

function isRoot(user: string): boolean {
  return /^(root|0)(:.*)?$/.test(user);
}

/** Base images only (not `FROM <earlier stage>`). */
function bases(df: DockerfileModel) {
  return df.stages.flatMap((s) => ('stage' in s.from ? [] : [{ stage: s, ref: s.from }]));
}

export const DOCKER_RULES: PolicyRule[] = [
  {
    id: 'SS-DOCKER-NONROOT',
    severity: 'error',
    description: 'the final stage runs as a numeric non-root user',
    fix: "End the final stage with a non-root USER such as '10001:10001' (ctx.finishRuntime does this).",
    check: (ctx) => eachStage(ctx, (stage) => {
      const users = instructionsOf(stage, 'user');
      const user = users[users.length - 1]?.user;
      if (user === undefined) return [{ property: 'user', got: 'no USER (runs as root)', expected: 'a non-root USER' }];
      return isRoot(user) ? [{ property: 'user', got: `'${user}'`, expected: 'a non-root USER' }] : [];
    }, true),
  },
  {
    id: 'SS-DOCKER-HEALTHCHECK',
    severity: 'error',
    description: 'the final stage has a HEALTHCHECK (not required of a scheduled job\'s image)',
    fix: 'Add a healthcheck that uses a tool present in the runtime image (see HealthCommand).',
    // Not for a scheduled job's image: it runs to completion and its exit code is its health (the state machine reads
    // it); a HEALTHCHECK would only probe a process that is about to exit, and ECS gets none for a job's task.
    check: (ctx) => eachStage(ctx, (stage, image) => (instructionsOf(stage, 'healthcheck').length > 0 || ctx.model.jobs.some((j) => j.name === image.service) ? []
      : [{ property: 'healthcheck', got: 'none', expected: 'a HEALTHCHECK in the final stage' }]), true),
  },
  {
    id: 'SS-DOCKER-PINNED-BASE',
    severity: 'error',
    description: 'every base image is pinned by a tag or a digest',
    fix: 'Give the base image a tag (and pin a digest in BaseImages).',
    check: (ctx) => ctx.model.images.flatMap((image) => bases(image.dockerfile)
      .filter(({ ref }) => !ref.tag && !ref.digest)
      .map(({ stage, ref }) => ({ path: `${image.path}/${stage.name}`, property: 'from', got: `'${ref.image}'`, expected: 'an image with a tag or a digest' }))),
  },
  {
    id: 'SS-DOCKER-LATEST',
    severity: 'error',
    description: "no base image uses the moving 'latest' tag",
    fix: "Use a version tag such as 'node:22-bookworm-slim'.",
    check: (ctx) => ctx.model.images.flatMap((image) => bases(image.dockerfile)
      .filter(({ ref }) => ref.tag === 'latest')
      .map(({ stage, ref }) => ({ path: `${image.path}/${stage.name}`, property: 'from', got: `'${imageString(ref)}'`, expected: "a tag other than 'latest'" }))),
  },
  {
    id: 'SS-DOCKER-BASE-DIGEST',
    severity: 'info',
    description: 'base images are pinned to a digest as well as a tag',
    fix: "Look the digest up (docker buildx imagetools inspect <image>) and pin it: BaseImages.defaults().pin('node', 'sha256:…').",
    check: (ctx) => ctx.model.images.flatMap((image) => bases(image.dockerfile)
      .filter(({ ref }) => !ref.digest)
      .map(({ stage, ref }) => ({ path: `${image.path}/${stage.name}`, property: 'from', got: `'${imageString(ref)}'`, expected: 'a tag with a sha256 digest' }))),
  },
  {
    id: 'SS-DOCKER-REMOTE-ADD',
    severity: 'error',
    description: 'ADD never fetches a remote URL or repository',
    fix: 'Download in a build stage with a checksum check (RUN curl … && sha256sum -c), or COPY a vendored file.',
    check: (ctx) => eachStage(ctx, (stage) => instructionsOf(stage, 'add').flatMap((a) => a.sources
      .filter((s) => /^([a-z][a-z0-9+.-]*:\/\/|git@)/i.test(s))
      .map((s) => ({ property: 'add', got: `'${s}'`, expected: 'a local file or archive' })))),
  },
  {
    id: 'SS-DOCKER-APT',
    severity: 'warning',
    description: 'apt-get installs skip recommended packages and leave no package lists in the layer',
    fix: "Use 'apt-get update && apt-get install -y --no-install-recommends … && rm -rf /var/lib/apt/lists/*' in one RUN.",
    check: (ctx) => eachStage(ctx, (stage) => instructionsOf(stage, 'run').flatMap((r) => {
      if (!/\bapt(-get)?\s+(-\S+\s+)*install\b/.test(r.command)) return [];
      const out: Omit<Violation, 'path'>[] = [];
      if (!r.command.includes('--no-install-recommends')) out.push({ property: 'run', got: `'${r.command}'`, expected: 'apt-get install with --no-install-recommends' });
      const listsCached = (r.mounts ?? []).some((m) => m.type === 'cache' && m.target.replace(/\/$/, '') === '/var/lib/apt/lists');
      if (!listsCached && !/rm -rf \/var\/lib\/apt\/lists/.test(r.command)) {
        out.push({ property: 'run', got: `'${r.command}'`, expected: "the same RUN to end with 'rm -rf /var/lib/apt/lists/*' (or a cache mount there)" });
      }
      return out;
    })),
  },
  {
    id: 'SS-DOCKER-SECRET',
    severity: 'error',
    description: 'no secret in ENV or ARG (both stay readable in the image and its history)',
    fix: "Pass secrets with a BuildKit secret mount: run(cmd, { mounts: [Mount.secret({ id: 'npm', env: 'NPM_TOKEN' })] }), and at run time from the platform's secret store.",
    check: (ctx) => eachStage(ctx, (stage) => {
      const out: Omit<Violation, 'path'>[] = [];
      const vars: Array<[string, string | undefined, string]> = [
        ...instructionsOf(stage, 'env').flatMap((e) => Object.entries(e.vars).map(([k, v]) => [k, v, 'env'] as [string, string, string])),
        ...instructionsOf(stage, 'arg').map((a) => [a.name, a.default, 'arg'] as [string, string | undefined, string]),
      ];
      for (const [name, value, kind] of vars) {
        const found = value !== undefined ? secretKind(value) : undefined;
        if (found) out.push({ property: `${kind}.${name}`, got: `${found} (value hidden)`, expected: 'a value that is not a secret' });
        else if (isSecretName(name)) out.push({ property: `${kind}.${name}`, got: `a ${kind.toUpperCase()} named '${name}'`, expected: 'no secret in ENV or ARG' });
      }
      return out;
    }),
  },
];
