import type { ImageRef } from './model';
import { ShipshapeError, problem } from '../core/errors';
import { pythonSatisfies, requiresPython } from '../core/project-facts';

/** The base images the presets use, by role. */
export type BaseImageName = 'node' | 'node-distroless' | 'python' | 'golang' | 'distroless-static';

/**
 * Tags only: shipshape never invents a digest. Each tag below is published by its
 * project; pin the content with {@link BaseImages.pin} once you have looked the digest up
 * (for example `docker buildx imagetools inspect node:22-bookworm-slim`).
 */
const DEFAULTS: Readonly<Record<BaseImageName, ImageRef>> = {
  'node': { image: 'node', tag: '22-bookworm-slim' },
  'node-distroless': { image: 'gcr.io/distroless/nodejs22-debian12', tag: 'nonroot' },
  'python': { image: 'python', tag: '3.12-slim-bookworm' },
  'golang': { image: 'golang', tag: '1.24-bookworm' },
  'distroless-static': { image: 'gcr.io/distroless/static-debian12', tag: 'nonroot' },
};

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * The one table of base images for a project: every preset reads its bases here,
 * so a digest is pinned in one place. Immutable: each method returns a new table.
 *
 * ```ts
 * const bases = BaseImages.defaults().pin('node', 'sha256:…');
 * new DockerImage(project, 'image', { service, preset: DockerPreset.node(), baseImages: bases });
 * ```
 */
export class BaseImages {
  /** The default tags (no digests). */
  public static defaults(): BaseImages {
    return new BaseImages(DEFAULTS);
  }

  /** Check an image reference: a repository, a tag other than `latest`, an optional sha256 digest. */
  public static check(ref: ImageRef, path: string, property: string): ImageRef {
    const problems = [];
    if (typeof ref?.image !== 'string' || !REPOSITORY.test(ref.image)) {
      problems.push(problem('SS-DOCKER-BASE', path, `${property}.image`, ref?.image, "a repository name such as 'node' or 'gcr.io/distroless/static-debian12'"));
    }
    if (typeof ref?.tag !== 'string' || !TAG.test(ref.tag) || ref.tag === 'latest') {
      problems.push(problem('SS-DOCKER-BASE', path, `${property}.tag`, ref?.tag, "a tag other than 'latest', for example '22-bookworm-slim'"));
    }
    if (ref?.digest !== undefined && (typeof ref.digest !== 'string' || !DIGEST.test(ref.digest))) {
      problems.push(problem('SS-DOCKER-BASE', path, `${property}.digest`, ref.digest, "a digest 'sha256:' followed by 64 lowercase hex digits"));
    }
    if (problems.length > 0) throw new ShipshapeError(problems);
    return ref.digest ? { image: ref.image, tag: ref.tag, digest: ref.digest } : { image: ref.image, tag: ref.tag };
  }

  private constructor(private readonly table: Readonly<Record<BaseImageName, ImageRef>>) {}

  /** The image for a role. */
  public get(name: BaseImageName): ImageRef {
    const ref = this.table[name];
    if (!ref) throw new ShipshapeError([problem('SS-DOCKER-BASE', 'BaseImages', 'name', name, `one of ${Object.keys(DEFAULTS).join(', ')}`)]);
    return ref;
  }

  /** Pin the current tag of a role to a digest you looked up. */
  public pin(name: BaseImageName, digest: string): BaseImages {
    const ref = BaseImages.check({ ...this.get(name), digest }, 'BaseImages', `${name}`);
    return new BaseImages({ ...this.table, [name]: ref });
  }

  /** Replace a role's image (another tag, a mirror, a digest). */
  public use(name: BaseImageName, ref: ImageRef): BaseImages {
    this.get(name);
    return new BaseImages({ ...this.table, [name]: BaseImages.check(ref, 'BaseImages', `${name}`) });
  }

  /** Whether a role still has shipshape's default tag (no `use`, no `pin`): a preset may then follow the repository's version. */
  public isDefault(name: BaseImageName): boolean {
    const ref = this.get(name);
    return ref === DEFAULTS[name];
  }

  /** Every role and its image, for documentation and tests. */
  public entries(): Array<[BaseImageName, ImageRef]> {
    return (Object.keys(this.table) as BaseImageName[]).map((k) => [k, this.table[k]]);
  }
}

/**
 * The one Python line of a project: the `python` base image's (its tag starts with the line, `3.12-slim-bookworm`),
 * which must satisfy pyproject.toml's `requires-python` when there is one. Undefined when the tag names no line
 * (a mirror's own scheme): nothing to check then.
 */
export function pythonLine(bases: BaseImages, dir: string | undefined, path = 'Toolchain.python'): string | undefined {
  const line = /^(\d+\.\d+)/.exec(bases.get('python').tag)?.[1];
  const spec = dir ? requiresPython(dir) : undefined;
  if (line !== undefined && spec !== undefined && pythonSatisfies(line, spec) === false) {
    throw new ShipshapeError([problem('SS-PYTHON-VERSION', path, 'version', line, `a Python line that pyproject.toml's requires-python '${spec}' allows`,
      "Give the line once: BaseImages.defaults().use('python', { image: 'python', tag: '<line>-slim-bookworm' }) for the image and Toolchain.python({ version: '<line>' }) for CI.")]);
  }
  return line;
}
