import type { Problem } from '../core/errors';
import type { ProjectFacts } from '../core/project-facts';
import type { ScheduledJobModel, ServiceModel } from '../model';
import type { BaseImages } from './base-images';
import type { Stage } from './dockerfile';
import type { Duration } from '../core/duration';

/** Ready-made healthcheck commands, each needing only a tool its runtime image has. */
export class HealthCommand {
  /** `node -e` with the http module: works in every Node image, distroless included (pass '/nodejs/bin/node' there). */
  public static node(url: string, nodeBinary = 'node'): string[] {
    const script = `require('http').get('${url}',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`;
    return [nodeBinary, '-e', script];
  }

  /** `python -c` with urllib: urlopen raises on a non-2xx answer or a refused connection. */
  public static python(url: string, pythonBinary = 'python'): string[] {
    return [pythonBinary, '-c', `import sys,urllib.request;sys.exit(0 if urllib.request.urlopen('${url}',timeout=4).status==200 else 1)`];
  }

  /**
   * The service binary itself, for images with no shell or tools (distroless static).
   * Convention: when started as `<binary> -healthcheck <url>`, the program GETs the url,
   * exits 0 on a 200 answer and 1 otherwise, and does not start the server.
   */
  public static binaryFlag(binary: string, url: string): string[] {
    return [binary, '-healthcheck', url];
  }

  /** BusyBox or Alpine `wget`. */
  public static wget(url: string): string[] {
    return ['wget', '-q', '-O', '/dev/null', url];
  }

  /** `curl`, for images that install it. */
  public static curl(url: string): string[] {
    return ['curl', '-fsS', '-o', '/dev/null', url];
  }

  private constructor() {}
}

/** Healthcheck timing of an image. Durations need a unit: '30s'. */
export interface HealthcheckTiming {
  /** @default '30s' */
  readonly interval?: Duration | string;
  /** @default '5s' */
  readonly timeout?: Duration | string;
  /** @default '10s' */
  readonly startPeriod?: Duration | string;
  /** @default 3 */
  readonly retries?: number;
}

/** What the runtime stage of every preset ends with. */
export interface RuntimeDefaults {
  /** Fixed numeric user id; never 0. */
  readonly uid: number;
  /** @default - the uid */
  readonly gid?: number;
  /** The healthcheck command (exec form), see {@link HealthCommand}. */
  readonly healthcheck: readonly string[];
  /** Exec form, so the process is PID 1 and gets the stop signal. */
  readonly entrypoint: readonly string[];
  /** @default - none */
  readonly cmd?: readonly string[];
  /** @default 'SIGTERM' */
  readonly stopSignal?: string;
}

/** What a preset knows when it writes stages. */
export interface PresetContext {
  /** The workload the image packages: a service (name, port, health path) or a scheduled job (name; no port). */
  readonly service: ServiceModel | ScheduledJobModel;
  /**
   * `http://127.0.0.1:<port><healthPath>`, as seen from inside the container; `''` for a scheduled job, whose image
   * gets no HEALTHCHECK (finishRuntime leaves it out, whatever the preset passes).
   */
  readonly healthUrl: string;
  /** The base image table (tags, and the digests you pinned). */
  readonly baseImages: BaseImages;
  /** What the repository says: a projen NodeProject's tasks and package manager, its directory (go.mod, pyproject.toml). */
  readonly facts: ProjectFacts;
  /** Record a problem found while writing stages; synthesis stops with every problem at once. */
  report(problem: Problem): void;
  /**
   * Append the secure runtime tail to the final stage: `ENV PORT` and EXPOSE of the service port,
   * a numeric non-root USER, HEALTHCHECK, OCI labels (source and revision from build args), STOPSIGNAL
   * and an exec-form ENTRYPOINT. Call it last, after the COPY lines. A scheduled job's image gets no PORT, EXPOSE
   * or HEALTHCHECK: it listens on nothing, and its exit code is its health.
   */
  finishRuntime(stage: Stage, defaults: RuntimeDefaults): void;
}

/** OCI label keys shipshape sets on every image. */
export const OCI = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  title: 'org.opencontainers.image.title',
} as const;

/** Build the context handed to a preset. `sourceUrl` undefined means: from the SOURCE_URL build arg. */
export function presetContext(
  service: ServiceModel | ScheduledJobModel, baseImages: BaseImages, timing: HealthcheckTiming, sourceUrl: string | undefined,
  facts: ProjectFacts, report: (problem: Problem) => void,
): PresetContext {
  const http = 'port' in service ? service : undefined;
  const healthUrl = http ? `http://127.0.0.1:${http.port}${http.healthPath}` : '';
  return {
    service,
    healthUrl,
    baseImages,
    facts,
    report,
    finishRuntime(stage, d) {
      const gid = d.gid ?? d.uid;
      if (http) {
        stage
          // The process is told its port, as the task definition and compose tell it.
          .env({ PORT: String(http.port) })
          .user(`${d.uid}:${gid}`)
          .expose(http.port)
          .healthcheck({ command: d.healthcheck, ...timing });
      } else {
        stage.user(`${d.uid}:${gid}`);
      }
      // Build args last: a new revision must not invalidate the cached layers above.
      if (sourceUrl === undefined) stage.arg('SOURCE_URL', 'unknown');
      stage
        .arg('REVISION', 'unknown')
        .label({ [OCI.source]: sourceUrl ?? '${SOURCE_URL}', [OCI.revision]: '${REVISION}', [OCI.title]: service.name })
        .stopSignal(d.stopSignal ?? 'SIGTERM')
        .entrypoint(d.entrypoint);
      if (d.cmd) stage.cmd(d.cmd);
    },
  };
}
