import type { BaseImages } from './base-images';
import type { Stage } from './dockerfile';
import type { Duration } from '../core/duration';
import type { Problem } from '../core/errors';
import type { ProjectFacts } from '../core/project-facts';

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

/**
 * What an image packages: a Service (a port and a health path) or a Worker (a health command, no port). The
 * models of both fit it.
 */
export interface ImageWorkload {
  readonly path: string;
  readonly name: string;
  /** The port the process listens on; absent for a workload without one (a Worker). */
  readonly port?: number;
  /** The HTTP health path, with a port. */
  readonly healthPath?: string;
  /** The workload's own health command (a Worker's), exec form: the HEALTHCHECK instead of the preset's HTTP probe. */
  readonly healthCommand?: readonly string[];
  /** A scheduled job's schedule: its image gets no HEALTHCHECK (it runs to completion; its exit code is its health). */
  readonly schedule?: string;
  readonly env: Readonly<Record<string, { readonly value?: string; readonly secret?: string }>>;
}

/** What a preset knows when it writes stages. */
export interface PresetContext {
  /** The workload the image packages: its name and port and health path (a Service), or its health command (a Worker). */
  readonly service: ImageWorkload;
  /**
   * `http://127.0.0.1:<port><healthPath>`, as seen from inside the container; empty for a workload without a port
   * (a Worker), whose own health command `finishRuntime` writes instead of the preset's.
   */
  readonly healthUrl: string;
  /** The base image table (tags, and the digests you pinned). */
  readonly baseImages: BaseImages;
  /** What the repository says: a projen NodeProject's tasks and package manager, its directory (go.mod, pyproject.toml). */
  readonly facts: ProjectFacts;
  /** Record a problem found while writing stages; synthesis stops with every problem at once. */
  report(problem: Problem): void;
  /**
   * Append the secure runtime tail to the final stage: `ENV PORT` and EXPOSE of the service port (none for a
   * workload without a port), a numeric non-root USER, HEALTHCHECK (the workload's own health command when it has
   * one, else `defaults.healthcheck`; none for a scheduled job, whose exit code is its health), OCI labels (source
   * and revision from build args), STOPSIGNAL and an exec-form ENTRYPOINT. Call it last, after the COPY lines.
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
  service: ImageWorkload, baseImages: BaseImages, timing: HealthcheckTiming, sourceUrl: string | undefined,
  facts: ProjectFacts, report: (problem: Problem) => void,
): PresetContext {
  const port = service.port;
  const healthUrl = port === undefined ? '' : `http://127.0.0.1:${port}${service.healthPath ?? '/'}`;
  return {
    service,
    healthUrl,
    baseImages,
    facts,
    report,
    finishRuntime(stage, d) {
      const gid = d.gid ?? d.uid;
      // The process is told its port, as the task definition and compose tell it; a worker or a job has none.
      if (port !== undefined) stage.env({ PORT: String(port) });
      stage.user(`${d.uid}:${gid}`);
      if (port !== undefined) stage.expose(port);
      // A scheduled job runs to completion: its exit code is its health, and the image says so (HEALTHCHECK NONE).
      if (service.schedule === undefined) stage.healthcheck({ command: service.healthCommand ?? d.healthcheck, ...timing });
      else stage.noHealthcheck();
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
