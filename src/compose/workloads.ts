import type { ShipshapeRoot } from '../core/construct';
import type { ScheduledJobModel, ServiceModel, WorkerModel } from '../model';
import { Service } from '../service/service';
import { ScheduledJob } from '../workloads/scheduled-job';
import { Worker } from '../workloads/worker';

/** An environment variable as every workload declares it: a plain value or a secret reference. */
type EnvVar = { readonly value?: string; readonly secret?: string };

/**
 * What LocalDev needs of one workload, whatever its kind; its image model gives the build, the target stage and the
 * healthcheck. A new workload kind plugs in by adding its constructs to {@link composeWorkloads}.
 */
export interface ComposeWorkload {
  readonly kind: 'service' | 'worker' | 'job';
  /** The workload name: the compose service name, so `http://<name>:<port>` resolves as through Service Connect. */
  readonly name: string;
  /** Its construct path, for messages. */
  readonly path: string;
  /** The port it listens on; undefined for a workload without one (a worker, a job): no PORT, nothing published. */
  readonly port?: number;
  /** Published on 127.0.0.1: a service that is not internal. */
  readonly public: boolean;
  readonly env: Readonly<Record<string, EnvVar>>;
  /** The names of the services it calls: each gives it `<NAME>_URL`. */
  readonly calls: readonly string[];
  /** The command that replaces the image's (a job's), exec form. */
  readonly command?: readonly string[];
}

/** A Service: its port, its env, its calls; public unless internal. */
export function serviceWorkload(s: ServiceModel): ComposeWorkload {
  return { kind: 'service', name: s.name, path: s.path, port: s.port, public: !s.internal, env: s.env, calls: s.calls };
}

/**
 * A workload without a port (a worker, a scheduled job): nothing published, no PORT, calls nothing; its healthcheck
 * is its image's (a worker's health command). A job runs only when asked (`docker compose run --rm <name>`).
 */
export function portlessWorkload(kind: 'worker' | 'job', w: { readonly path: string; readonly name: string; readonly env: Readonly<Record<string, EnvVar>>; readonly command?: readonly string[] }): ComposeWorkload {
  return { kind, name: w.name, path: w.path, public: false, env: w.env, calls: [], ...(w.command ? { command: w.command } : {}) };
}

/**
 * Every workload of the project, by name (names are unique across kinds). Workers and scheduled jobs plug in here,
 * one line each: `...root.membersOf(Worker).map((w) => portlessWorkload('worker', w._contribute().model as WorkerModel))`.
 */
export function composeWorkloads(root: ShipshapeRoot): ReadonlyMap<string, ComposeWorkload> {
  const all: ComposeWorkload[] = [
    ...root.membersOf(Service).map((s) => serviceWorkload(s._contribute().model as ServiceModel)),
    ...root.membersOf(Worker).map((w) => portlessWorkload('worker', w._contribute().model as WorkerModel)),
    ...root.membersOf(ScheduledJob).map((j) => portlessWorkload('job', j._contribute().model as ScheduledJobModel)),
  ];
  return new Map(all.map((w) => [w.name, w]));
}
