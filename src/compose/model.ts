/** The docker-compose model: plain data the compose renderer reads. */

export interface ComposeHealthcheckModel {
  /** Exec form, without the leading 'CMD'. */
  readonly command: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly startPeriod: string;
  readonly retries: number;
}

export interface ComposeServiceModel {
  readonly name: string;
  /** A pinned image (dependencies), or a build of the project's Dockerfile (the app). */
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string; readonly target: string };
  /** Run an init process as PID 1 (signal forwarding, zombie reaping). */
  readonly init?: boolean;
  /** Compose profiles: a service in one starts only when asked (`docker compose run`, `--profile`): a job. */
  readonly profiles?: readonly string[];
  /** The whole command, exec form, replacing the image's ENTRYPOINT and CMD (a job's). */
  readonly entrypoint?: readonly string[];
  /** Published ports, bound to 127.0.0.1 only. */
  readonly ports: readonly { readonly target: number; readonly published: number }[];
  readonly environment: Readonly<Record<string, string>>;
  /** Absent only when the image has none (an acknowledged SS-DOCKER-HEALTHCHECK). */
  readonly healthcheck?: ComposeHealthcheckModel;
  /** Services this one waits for: until healthy (until started, for one without a healthcheck). */
  readonly dependsOn: readonly string[];
  /** `volume:/path` mounts of named volumes. */
  readonly volumes: readonly { readonly name: string; readonly target: string }[];
}

export interface ComposeModel {
  readonly path: string;
  /** Where the file is written, relative to the project root. */
  readonly filePath: string;
  /** The compose project name. */
  readonly projectName: string;
  /** The workloads first (in image order), then the Databases' local PostgreSQL, then the dependencies. */
  readonly services: readonly ComposeServiceModel[];
}
