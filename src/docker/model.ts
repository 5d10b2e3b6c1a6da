/**
 * The Dockerfile model: stages of typed instructions. Plain data; the renderer
 * turns it into text. A `COPY --from` refers to a stage by object at the API
 * level; in the model it is the stage's name, checked to be an earlier stage.
 */

export interface ImageRef {
  /** Repository, for example `node` or `gcr.io/distroless/nodejs22-debian12`. */
  readonly image: string;
  /** A tag other than `latest`. */
  readonly tag: string;
  /** An optional `sha256:` digest that pins the tag's content. */
  readonly digest?: string;
}

export interface HealthcheckModel {
  /** Exec-form command. */
  readonly command: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly startPeriod: string;
  readonly retries: number;
}

export type Instruction =
  | { readonly kind: 'arg'; readonly name: string; readonly default?: string }
  | { readonly kind: 'env'; readonly vars: Readonly<Record<string, string>> }
  | { readonly kind: 'workdir'; readonly path: string }
  | { readonly kind: 'run'; readonly command: string; readonly mounts?: readonly string[] }
  | { readonly kind: 'copy'; readonly sources: readonly string[]; readonly dest: string; readonly from?: string; readonly chown?: string; readonly chmod?: string }
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'expose'; readonly port: number }
  | { readonly kind: 'healthcheck'; readonly check: HealthcheckModel }
  | { readonly kind: 'label'; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'stopsignal'; readonly signal: string }
  | { readonly kind: 'entrypoint'; readonly command: readonly string[] }
  | { readonly kind: 'cmd'; readonly command: readonly string[] };

export interface StageModel {
  readonly name: string;
  /** A base image, or the name of an earlier stage. */
  readonly from: ImageRef | { readonly stage: string };
  readonly instructions: readonly Instruction[];
}

export interface DockerfileModel {
  /** Global build args declared before the first FROM. */
  readonly globalArgs: readonly { readonly name: string; readonly default?: string }[];
  readonly stages: readonly StageModel[];
}
