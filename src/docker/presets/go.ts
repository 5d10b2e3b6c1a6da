import { problem } from '../../core/errors';
import { goModVersion } from '../../core/project-facts';
import type { PresetContext } from '../defaults';
import { HealthCommand } from '../defaults';
import { Dockerfile, Mount } from '../dockerfile';
import type { ImageRef } from '../model';
import { DISTROLESS_UID } from './node';

/** Options of the Go preset. */
export interface GoPresetOptions {
  /**
   * The main package to build.
   * @default '.'
   */
  readonly mainPackage?: string;
  /**
   * The healthcheck command. The runtime has no shell and no curl, so by default the binary
   * checks itself: `/app -healthcheck <url>` must GET the url and exit 0 on 200, 1 otherwise
   * (see {@link HealthCommand.binaryFlag}).
   * @default - ['/app', '-healthcheck', 'http://127.0.0.1:<port><healthPath>']
   */
  readonly healthcheck?: readonly string[];
}

/**
 * The golang build image, on the Go line go.mod names (`toolchain goX.Y.Z`, else `go X.Y`): CI's
 * actions/setup-go reads the same file (`go-version-file: go.mod`), so both build with one Go.
 * The default table's tag follows go.mod's line (`<X.Y>-bookworm`, the golang image's naming); a
 * golang image you set yourself must be on that line.
 */
function golangImage(ctx: PresetContext, path: string): ImageRef {
  const ref = ctx.baseImages.get('golang');
  const mod = goModVersion(ctx.facts.dir);
  if (!mod) return ref;
  const tagLine = /^(\d+\.\d+)/.exec(ref.tag)?.[1];
  // A tag that names no Go line (a mirror's own scheme) cannot be checked.
  if (tagLine === undefined || tagLine === mod.minor) return ref;
  if (ctx.baseImages.isDefault('golang')) return { image: ref.image, tag: ref.tag.replace(/^\d+\.\d+(\.\d+)?/, mod.minor) };
  ctx.report(problem('SS-GO-VERSION', path, 'baseImages.golang.tag', ref.tag, `a golang image on Go ${mod.minor}, the line of go.mod's '${mod.directive}' directive (${mod.version}), which CI uses too`,
    `Change go.mod, or use BaseImages.defaults().use('golang', { image: '${ref.image}', tag: '${mod.minor}-bookworm' }).`));
  return ref;
}

/** build (module cache, build cache) → one static binary on distroless static, as `nonroot`. */
export function goStages(df: Dockerfile, ctx: PresetContext, options: GoPresetOptions = {}): void {
  const modCache = Mount.cache({ target: '/go/pkg/mod' });
  const build = df.addStage('build', { from: golangImage(ctx, `${df.path}/build`) })
    .workdir('/src')
    // go.* and not go.mod go.sum: a module without dependencies has no go.sum.
    .copy({ src: 'go.*', dest: './' })
    .run('go mod download', { mounts: [modCache] })
    .copy({ src: '.', dest: '.' })
    .run(`CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/app ${options.mainPackage ?? '.'}`, {
      mounts: [modCache, Mount.cache({ target: '/root/.cache/go-build' })],
    });

  const runtime = df.addStage('runtime', { from: ctx.baseImages.get('distroless-static') })
    .copy({ from: build, src: '/out/app', dest: '/app' });
  ctx.finishRuntime(runtime, {
    uid: DISTROLESS_UID,
    healthcheck: options.healthcheck ?? HealthCommand.binaryFlag('/app', ctx.healthUrl),
    entrypoint: ['/app'],
  });
}
