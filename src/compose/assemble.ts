import * as path from 'path';
import type { ComposeDependency } from './dependency';
import type { ComposeServiceModel } from './model';
import type { ComposeWorkload } from './workloads';
import { serviceUrl, serviceUrlVariable } from '../core/naming';
import { localDatabaseEnv, type DatabaseIdentity } from '../database/settings';
import { finalStage, instructionsOf } from '../docker/model';
import type { ImageModel } from '../model';

/** The compose profile of scheduled jobs: `docker compose up` leaves them out; `docker compose run --rm <job>` runs one. */
export const JOBS_PROFILE = 'jobs';

/** One workload LocalDev runs, with everything its compose service reads (checked by LocalDev first). */
export interface ComposeEntry {
  /** Its image: the build (Dockerfile, context, target stage) and the healthcheck. */
  readonly image: ImageModel;
  readonly workload: ComposeWorkload;
  /** Local development values, by env name. */
  readonly values: Readonly<Record<string, string>>;
  /** The port on 127.0.0.1 that reaches it: a public service only. */
  readonly hostPort?: number;
  /** The local PostgreSQL of its Database. */
  readonly database?: { readonly settings: DatabaseIdentity; readonly local: ComposeDependency };
}

/**
 * The compose services of a LocalDev: one per workload (named by the workload), then the Databases' local PostgreSQL,
 * then the shared dependencies. Every workload waits for the shared dependencies, its own database and the services it
 * calls; a caller gets `<NAME>_URL` = `http://<name>:<port>`, the URL Service Connect gives it in AWS.
 * @param fileDir the compose file's folder, relative to the project root
 */
export function composeServices(entries: readonly ComposeEntry[], dependencies: readonly ComposeDependency[], fileDir = '.'): ComposeServiceModel[] {
  const ports = new Map(entries.flatMap((e) => (e.workload.port === undefined ? [] : [[e.workload.name, e.workload.port] as const])));
  const workloads = entries.map((e): ComposeServiceModel => {
    const w = e.workload;
    const final = finalStage(e.image.dockerfile)!;
    const check = instructionsOf(final, 'healthcheck')[0]?.check;
    const environment: Record<string, string> = {};
    for (const [name, v] of Object.entries(w.env)) {
      const local = e.values[name] ?? v.value;
      if (local !== undefined) environment[name] = local;
    }
    // The same DATABASE_* names as in ECS, pointing at the local PostgreSQL (plaintext: PGSSLMODE=disable).
    if (e.database) Object.assign(environment, localDatabaseEnv(e.database.settings, e.database.local.host));
    const callees = w.calls.filter((c) => ports.has(c));
    for (const c of callees) environment[serviceUrlVariable(c)] = serviceUrl(c, ports.get(c)!);
    // The container is told its port, as the image and the task definition tell it.
    if (w.port !== undefined) environment.PORT = String(w.port);
    // Compose reads a build context relative to the compose file's folder; the image's is relative to the project root.
    const context = path.posix.relative(fileDir, e.image.contextPath) || '.';
    return {
      name: w.name,
      build: { context, dockerfile: path.posix.relative(e.image.contextPath, e.image.dockerfilePath), target: final.name },
      init: true,
      ...(w.kind === 'job' ? { profiles: [JOBS_PROFILE] } : {}),
      ...(w.command && w.command.length > 0 ? { entrypoint: w.command } : {}),
      ports: w.port !== undefined && e.hostPort !== undefined ? [{ target: w.port, published: e.hostPort }] : [],
      environment,
      ...(check ? { healthcheck: check } : {}),
      dependsOn: [...(e.database ? [e.database.local.name] : []), ...dependencies.map((d) => d.name), ...callees],
      volumes: [],
    };
  });
  const databases = entries.flatMap((e) => (e.database ? [e.database.local._toModel()] : []));
  return [...workloads, ...databases, ...dependencies.map((d) => d._toModel())];
}
