/**
 * The Dockerfile model: stages of typed instructions. Plain data; the renderer
 * turns it into text. A `COPY --from` refers to a stage by object at the API
 * level (src/docker/dockerfile.ts); in the model it is the stage's name, which
 * the builder has already checked to be an earlier stage.
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
  /** Durations with a unit, for example `30s`. */
  readonly interval: string;
  readonly timeout: string;
  readonly startPeriod: string;
  readonly retries: number;
}

/** A BuildKit `RUN --mount`. */
export type MountModel =
  | { readonly type: 'cache'; readonly target: string; readonly id?: string; readonly sharing?: 'shared' | 'private' | 'locked' }
  | { readonly type: 'secret'; readonly id: string; readonly target?: string; readonly env?: string; readonly required?: boolean }
  | { readonly type: 'bind'; readonly target: string; readonly source?: string; readonly from?: string; readonly readwrite?: boolean };

export type Instruction =
  | { readonly kind: 'arg'; readonly name: string; readonly default?: string }
  | { readonly kind: 'env'; readonly vars: Readonly<Record<string, string>> }
  | { readonly kind: 'workdir'; readonly path: string }
  | { readonly kind: 'run'; readonly command: string; readonly mounts?: readonly MountModel[] }
  | { readonly kind: 'copy'; readonly sources: readonly string[]; readonly dest: string; readonly from?: string; readonly chown?: string; readonly chmod?: string }
  | { readonly kind: 'add'; readonly sources: readonly string[]; readonly dest: string; readonly chown?: string; readonly chmod?: string; readonly checksum?: string }
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'expose'; readonly port: number; readonly protocol?: 'tcp' | 'udp' }
  | { readonly kind: 'healthcheck'; readonly check: HealthcheckModel }
  /** `HEALTHCHECK NONE`: the image declares that it has no health check (a scheduled job: its exit code is its health). */
  | { readonly kind: 'no-healthcheck' }
  | { readonly kind: 'label'; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'stopsignal'; readonly signal: string }
  | { readonly kind: 'shell'; readonly command: readonly string[] }
  | { readonly kind: 'entrypoint'; readonly command: readonly string[] }
  | { readonly kind: 'cmd'; readonly command: readonly string[] }
  | { readonly kind: 'comment'; readonly text: string };

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

/** The last stage: the one an image is built from unless a target is given. */
export function finalStage(model: DockerfileModel): StageModel | undefined {
  return model.stages[model.stages.length - 1];
}

/** Every instruction of one kind in a stage, in order. */
export function instructionsOf<K extends Instruction['kind']>(stage: StageModel, kind: K): Extract<Instruction, { kind: K }>[] {
  return stage.instructions.filter((i): i is Extract<Instruction, { kind: K }> => i.kind === kind);
}
