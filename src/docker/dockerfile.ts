import { BaseImages } from './base-images';
import type { DockerfileModel, HealthcheckModel, ImageRef, Instruction, MountModel, StageModel } from './model';
import { Duration } from '../core/duration';
import { Problem, ShipshapeError, problem } from '../core/errors';
import { checkOptions } from '../core/schema';

const STAGE_NAME = /^[a-z][a-z0-9_.-]{0,62}$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const SIGNAL = /^(SIG[A-Z0-9+-]+|\d+)$/;
const CHMOD = /^[0-7]{3,4}$/;

function fail(code: string, path: string, property: string, got: unknown, expected: string, hint?: string): never {
  throw new ShipshapeError([problem(code, path, property, got, expected, hint)]);
}

/** A BuildKit mount for {@link Stage.run}. */
export class Mount {
  /** A persistent cache directory, for package managers (`npm`, `pip`, `go`). */
  public static cache(options: { readonly target: string; readonly id?: string; readonly sharing?: 'shared' | 'private' | 'locked' }): Mount {
    checkOptions('Mount.cache', options, ['target', 'id', 'sharing'], 'SS-MOUNT', true);
    return new Mount({ type: 'cache', target: options.target, id: options.id, sharing: options.sharing ?? 'locked' });
  }

  /**
   * A build secret, readable only during this RUN and never stored in a layer.
   * Pass it with `docker build --secret id=<id>,src=<file>`.
   */
  public static secret(options: { readonly id: string; readonly target?: string; readonly env?: string; readonly required?: boolean }): Mount {
    checkOptions('Mount.secret', options, ['id', 'target', 'env', 'required'], 'SS-MOUNT', true);
    return new Mount({ type: 'secret', id: options.id, target: options.target, env: options.env, required: options.required });
  }

  /** A read-only view of the build context or of an earlier stage, not copied into a layer. */
  public static bind(options: { readonly target: string; readonly source?: string; readonly from?: Stage; readonly readwrite?: boolean }): Mount {
    checkOptions('Mount.bind', options, ['target', 'source', 'from', 'readwrite'], 'SS-MOUNT', true);
    return new Mount({ type: 'bind', target: options.target, source: options.source, readwrite: options.readwrite }, options.from);
  }

  private constructor(
    /** @internal */
    public readonly _model: MountModel,
    /** @internal */
    public readonly _from?: Stage,
  ) {}
}

/** Options of {@link Stage.copy}. */
export interface CopyOptions {
  /** One path or several, relative to the context (or absolute inside `from`). */
  readonly src: string | readonly string[];
  readonly dest: string;
  /**
   * An earlier stage of the same Dockerfile to copy from.
   * @default - the build context
   */
  readonly from?: Stage;
  /** @default - root */
  readonly chown?: string;
  /** Octal mode, for example '0755'. @default - the source's mode */
  readonly chmod?: string;
}

/** Options of {@link Stage.add}: local archives only; remote URLs are refused by policy. */
export interface AddOptions {
  readonly src: string | readonly string[];
  readonly dest: string;
  readonly chown?: string;
  readonly chmod?: string;
  /** `sha256:…` of a remote source. */
  readonly checksum?: string;
}

/** Options of {@link Stage.healthcheck}. */
export interface HealthcheckOptions {
  /** The command, in exec form; it must exist in this stage's image. */
  readonly command: readonly string[];
  /** @default '30s' */
  readonly interval?: Duration | string;
  /** @default '5s' */
  readonly timeout?: Duration | string;
  /** @default '10s' */
  readonly startPeriod?: Duration | string;
  /** @default 3 */
  readonly retries?: number;
}

/** Options of {@link Dockerfile.addStage}. */
export interface StageOptions {
  /** A base image (see {@link BaseImages}) or an earlier stage of this Dockerfile. */
  readonly from: ImageRef | Stage;
}

/**
 * One stage of a multi-stage Dockerfile. Methods append instructions in order and
 * check their arguments at once, so a mistake points at the line that made it.
 */
export class Stage {
  private readonly instructions: Instruction[] = [];

  /** @internal */
  constructor(
    /** The Dockerfile this stage belongs to. */
    public readonly dockerfile: Dockerfile,
    public readonly name: string,
    /** Position in the Dockerfile, from 0. */
    public readonly index: number,
    private readonly from: ImageRef | { readonly stage: string },
  ) {}

  /** The construct path used in error messages. */
  public get path(): string {
    return `${this.dockerfile.path}/${this.name}`;
  }

  /** `ARG name[=default]`. Never give a secret a default; use {@link Mount.secret}. */
  public arg(name: string, defaultValue?: string): this {
    this.checkVar(name, 'arg');
    return this.push({ kind: 'arg', name, ...(defaultValue !== undefined ? { default: defaultValue } : {}) });
  }

  /** `ENV k=v …`. Values are stored in the image: no secrets. */
  public env(vars: Readonly<Record<string, string>>): this {
    for (const [k, v] of Object.entries(vars)) {
      this.checkVar(k, 'env');
      if (typeof v !== 'string') fail('SS-DOCKER-ENV', this.path, `env.${k}`, v, 'a string');
    }
    return this.push({ kind: 'env', vars: { ...vars } });
  }

  /** `WORKDIR`, an absolute path. */
  public workdir(path: string): this {
    if (!path.startsWith('/')) fail('SS-DOCKER-WORKDIR', this.path, 'workdir', path, "an absolute path such as '/app'");
    return this.push({ kind: 'workdir', path });
  }

  /** `RUN [--mount=…] command` (shell form). */
  public run(command: string, options: { readonly mounts?: readonly Mount[] } = {}): this {
    if (typeof command !== 'string' || command.trim() === '') fail('SS-DOCKER-RUN', this.path, 'run', command, 'a non-empty shell command');
    const mounts = (options.mounts ?? []).map((m, i) => {
      if (!(m instanceof Mount)) fail('SS-DOCKER-RUN', this.path, `run.mounts.${i}`, m, 'a Mount, for example Mount.cache({ target: \'/root/.npm\' })');
      if (!m._from) return m._model;
      this.checkEarlier(m._from, `run.mounts.${i}.from`);
      return { ...m._model, from: m._from.name } as MountModel;
    });
    return this.push({ kind: 'run', command, ...(mounts.length > 0 ? { mounts } : {}) });
  }

  /** `COPY [--from=stage] [--chown] [--chmod] src… dest`. `from` is a Stage object, so it always names a real stage. */
  public copy(options: CopyOptions): this {
    const sources = this.sources(options.src, 'copy.src');
    if (options.from !== undefined) this.checkEarlier(options.from, 'copy.from');
    this.checkOwnership(options.chown, options.chmod, 'copy');
    return this.push({
      kind: 'copy',
      sources,
      dest: options.dest,
      ...(options.from ? { from: options.from.name } : {}),
      ...(options.chown ? { chown: options.chown } : {}),
      ...(options.chmod ? { chmod: options.chmod } : {}),
    });
  }

  /** `ADD` for local archives. Prefer {@link Stage.copy}; remote sources fail the SS-DOCKER-REMOTE-ADD rule. */
  public add(options: AddOptions): this {
    const sources = this.sources(options.src, 'add.src');
    this.checkOwnership(options.chown, options.chmod, 'add');
    if (options.checksum !== undefined && !/^sha256:[a-f0-9]{64}$/.test(options.checksum)) {
      fail('SS-DOCKER-ADD', this.path, 'add.checksum', options.checksum, "'sha256:' and 64 lowercase hex digits");
    }
    return this.push({
      kind: 'add',
      sources,
      dest: options.dest,
      ...(options.chown ? { chown: options.chown } : {}),
      ...(options.chmod ? { chmod: options.chmod } : {}),
      ...(options.checksum ? { checksum: options.checksum } : {}),
    });
  }

  /** `USER uid[:gid]`. Prefer numeric ids: Kubernetes and ECS can then verify non-root. */
  public user(user: string | number): this {
    const u = String(user);
    if (!USER.test(u)) fail('SS-DOCKER-USER', this.path, 'user', user, "a user or 'uid:gid', for example '10001:10001'");
    return this.push({ kind: 'user', user: u });
  }

  /** `EXPOSE port[/protocol]`. The final stage must expose the service's port. */
  public expose(port: number, protocol?: 'tcp' | 'udp'): this {
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail('SS-DOCKER-EXPOSE', this.path, 'expose', port, 'an integer from 1 to 65535');
    return this.push({ kind: 'expose', port, ...(protocol ? { protocol } : {}) });
  }

  /** `HEALTHCHECK NONE`: declare that the image has no health check (a container that runs to completion). */
  public noHealthcheck(): this {
    return this.push({ kind: 'no-healthcheck' });
  }

  /** `HEALTHCHECK` in exec form. Durations need a unit: `'30s'`, not `'30'`. */
  public healthcheck(options: HealthcheckOptions): this {
    const check = healthcheckModel(options, this.path);
    return this.push({ kind: 'healthcheck', check });
  }

  /** `LABEL k=v …`. */
  public label(labels: Readonly<Record<string, string>>): this {
    return this.push({ kind: 'label', labels: { ...labels } });
  }

  /** `STOPSIGNAL`, for example 'SIGTERM'. */
  public stopSignal(signal: string): this {
    if (!SIGNAL.test(signal)) fail('SS-DOCKER-STOPSIGNAL', this.path, 'stopSignal', signal, "a signal name such as 'SIGTERM'");
    return this.push({ kind: 'stopsignal', signal });
  }

  /** `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`. */
  public shell(command: readonly string[]): this {
    return this.push({ kind: 'shell', command: this.execForm(command, 'shell') });
  }

  /** `ENTRYPOINT` in exec form, so the process is PID 1 and receives the stop signal. */
  public entrypoint(command: readonly string[]): this {
    return this.push({ kind: 'entrypoint', command: this.execForm(command, 'entrypoint') });
  }

  /** `CMD` in exec form. */
  public cmd(command: readonly string[]): this {
    return this.push({ kind: 'cmd', command: this.execForm(command, 'cmd') });
  }

  /** A `#` comment line, to explain a choice in the generated file. */
  public comment(text: string): this {
    return this.push({ kind: 'comment', text });
  }

  /** @internal */
  public _toModel(): StageModel {
    return { name: this.name, from: this.from, instructions: [...this.instructions] };
  }

  private push(ins: Instruction): this {
    this.instructions.push(ins);
    return this;
  }

  private checkVar(name: string, property: string): void {
    if (typeof name !== 'string' || !VAR_NAME.test(name)) fail('SS-DOCKER-VAR', this.path, property, name, 'a variable name of letters, digits and underscores');
  }

  private checkEarlier(stage: Stage, property: string): void {
    if (!(stage instanceof Stage) || stage.dockerfile !== this.dockerfile) {
      fail('SS-DOCKER-STAGE-REF', this.path, property, (stage as Stage | undefined)?.name ?? stage, `a stage of this Dockerfile (${this.dockerfile.path})`);
    }
    if (stage.index >= this.index) {
      fail('SS-DOCKER-STAGE-REF', this.path, property, stage.name,
        `a stage defined before '${this.name}' (${this.dockerfile.stageNames().slice(0, this.index).join(', ') || 'none'})`,
        'A stage can only use stages above it; move the stage up, or copy in the other direction.');
    }
  }

  private sources(src: string | readonly string[], property: string): string[] {
    const list = typeof src === 'string' ? [src] : [...(src ?? [])];
    if (list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) fail('SS-DOCKER-SRC', this.path, property, src, 'one or more non-empty paths');
    return list;
  }

  private checkOwnership(chown: string | undefined, chmod: string | undefined, kind: string): void {
    if (chown !== undefined && !USER.test(chown)) fail('SS-DOCKER-CHOWN', this.path, `${kind}.chown`, chown, "'user[:group]' or 'uid[:gid]'");
    if (chmod !== undefined && !CHMOD.test(chmod)) fail('SS-DOCKER-CHMOD', this.path, `${kind}.chmod`, chmod, "an octal mode such as '0755'");
  }

  private execForm(command: readonly string[], property: string): string[] {
    if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string')) {
      fail('SS-DOCKER-EXEC', this.path, property, command, 'a non-empty list of strings (exec form)');
    }
    return [...command];
  }
}

/** Parse healthcheck options into the model. Exported for the presets. */
export function healthcheckModel(options: HealthcheckOptions, path: string): HealthcheckModel {
  const duration = (v: Duration | string | undefined, def: string, property: string): string => {
    if (v === undefined) return def;
    if (Duration.isDuration(v)) return v.toString();
    return Duration.parse(String(v), path, `healthcheck.${property}`).toString();
  };
  if (!Array.isArray(options.command) || options.command.length === 0) fail('SS-DOCKER-HEALTHCHECK', path, 'healthcheck.command', options.command, 'a non-empty command in exec form');
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 1) fail('SS-DOCKER-HEALTHCHECK', path, 'healthcheck.retries', retries, 'an integer >= 1');
  return {
    command: [...options.command],
    interval: duration(options.interval, '30s', 'interval'),
    timeout: duration(options.timeout, '5s', 'timeout'),
    startPeriod: duration(options.startPeriod, '10s', 'startPeriod'),
    retries,
  };
}

/**
 * A multi-stage Dockerfile, built stage by stage. Stages are objects: `COPY --from`
 * takes a {@link Stage}, so a reference to a missing or later stage cannot be written.
 *
 * ```ts
 * const build = dockerfile.addStage('build', { from: bases.get('golang') });
 * const runtime = dockerfile.addStage('runtime', { from: bases.get('distroless-static') });
 * runtime.copy({ from: build, src: '/out/app', dest: '/app' });
 * ```
 */
export class Dockerfile {
  private readonly stageList: Stage[] = [];
  private readonly args: { name: string; default?: string }[] = [];

  constructor(
    /** The construct path used in error messages. */
    public readonly path: string = 'Dockerfile',
  ) {}

  /** A global `ARG` before the first FROM (usable in FROM lines). */
  public addArg(name: string, defaultValue?: string): this {
    if (!VAR_NAME.test(name)) fail('SS-DOCKER-VAR', this.path, 'arg', name, 'a variable name of letters, digits and underscores');
    this.args.push({ name, ...(defaultValue !== undefined ? { default: defaultValue } : {}) });
    return this;
  }

  /** Add a stage after the existing ones. Names are unique, lowercase. */
  public addStage(name: string, options: StageOptions): Stage {
    if (typeof name !== 'string' || !STAGE_NAME.test(name)) {
      fail('SS-DOCKER-STAGE-NAME', this.path, 'stage', name, 'a lowercase stage name: letters, digits, dashes, dots or underscores, starting with a letter');
    }
    if (this.tryFindStage(name)) {
      fail('SS-DOCKER-STAGE-DUPLICATE', this.path, 'stage', name, `a stage name not used yet (used: ${this.stageNames().join(', ')})`);
    }
    let from: ImageRef | { readonly stage: string };
    if (options?.from instanceof Stage) {
      if (options.from.dockerfile !== this) fail('SS-DOCKER-STAGE-REF', `${this.path}/${name}`, 'from', options.from.name, `a stage of this Dockerfile (${this.path})`);
      from = { stage: options.from.name };
    } else {
      from = BaseImages.check(options?.from as ImageRef, `${this.path}/${name}`, 'from');
    }
    const stage = new Stage(this, name, this.stageList.length, from);
    this.stageList.push(stage);
    return stage;
  }

  /** The stages, in order. */
  public get stages(): readonly Stage[] {
    return [...this.stageList];
  }

  /** The last stage, which the image is built from. */
  public get finalStage(): Stage | undefined {
    return this.stageList[this.stageList.length - 1];
  }

  public tryFindStage(name: string): Stage | undefined {
    return this.stageList.find((s) => s.name === name);
  }

  public findStage(name: string): Stage {
    return this.tryFindStage(name) ?? fail('SS-DOCKER-STAGE-REF', this.path, 'stage', name, `one of ${this.stageNames().join(', ')}`);
  }

  /** @internal */
  public stageNames(): string[] {
    return this.stageList.map((s) => s.name);
  }

  /** Problems of the whole file: at least one stage. */
  public problems(): Problem[] {
    return this.stageList.length === 0 ? [problem('SS-DOCKER-EMPTY', this.path, 'stages', [], 'at least one stage')] : [];
  }

  /** The plain model the renderer reads. */
  public toModel(): DockerfileModel {
    return { globalArgs: this.args.map((a) => ({ ...a })), stages: this.stageList.map((s) => s._toModel()) };
  }
}
