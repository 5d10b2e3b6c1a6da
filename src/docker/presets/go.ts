import type { PresetContext } from '../defaults';
import { HealthCommand } from '../defaults';
import { Dockerfile, Mount } from '../dockerfile';
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

/** build (module cache, build cache) → one static binary on distroless static, as `nonroot`. */
export function goStages(df: Dockerfile, ctx: PresetContext, options: GoPresetOptions = {}): void {
  const modCache = Mount.cache({ target: '/go/pkg/mod' });
  const build = df.addStage('build', { from: ctx.baseImages.get('golang') })
    .workdir('/src')
    .copy({ src: ['go.mod', 'go.sum'], dest: './' })
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
