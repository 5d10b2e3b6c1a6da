import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { BaseImages } from './base-images';
import { HealthcheckTiming, ImageWorkload, presetContext } from './defaults';
import { Dockerfile, Stage, healthcheckModel } from './dockerfile';
import { StageModel, instructionsOf } from './model';
import { DockerPreset } from './preset';
import { ModelContribution, ShipshapeConstruct } from '../core/construct';
import { Duration } from '../core/duration';
import { Problem, problem } from '../core/errors';
import { directoryFacts, projectFacts } from '../core/project-facts';
import type { ImageModel } from '../model';
import type { Service } from '../service/service';
import type { ScheduledJob } from '../workloads/scheduled-job';
import type { Worker } from '../workloads/worker';

export { DockerPreset } from './preset';

/** What a DockerImage packages: a Service (its port and health path feed the Dockerfile) or a ScheduledJob (no port, no health check). */
/** The constructs an image can package. */
export type ImageWorkloadConstruct = Service | Worker | ScheduledJob;

/** Props of a {@link DockerImage}. */
export interface DockerImageProps {
  /**
   * The workload this image packages: a Service's port and health path, or a Worker's health command, feed the
   * Dockerfile (a Worker's or a ScheduledJob's image exposes no port; a ScheduledJob's has no HEALTHCHECK).
   */
  readonly service: ImageWorkloadConstruct;
  /** How to build it. */
  readonly preset: DockerPreset;
  /**
   * Where the Dockerfile is written, relative to the project root.
   * @default 'Dockerfile'
   */
  readonly dockerfilePath?: string;
  /**
   * The build context, relative to the project root.
   * @default '.'
   */
  readonly contextPath?: string;
  /**
   * The base image table: tags, and the digests you pinned.
   * @default BaseImages.defaults()
   */
  readonly baseImages?: BaseImages;
  /**
   * The repository URL for the `org.opencontainers.image.source` label.
   * @default - the `SOURCE_URL` build arg
   */
  readonly sourceUrl?: string;
  /**
   * Healthcheck timing. Durations need a unit ('30s').
   * @default { interval: '30s', timeout: '5s', startPeriod: '10s', retries: 3 }
   */
  readonly healthcheck?: HealthcheckTiming;
}

const duration = z.union([z.custom<Duration>(Duration.isDuration), z.string()]).optional();
const schema = z.strictObject({
  service: z.custom<ImageWorkloadConstruct>((v) => typeof v === 'object' && v !== null && ('healthPath' in v || 'healthCommand' in v || 'schedule' in v), { message: 'a Service, Worker or ScheduledJob construct' }),
  preset: z.custom<DockerPreset>((v) => v instanceof DockerPreset, { message: 'a DockerPreset, for example DockerPreset.node()' }),
  dockerfilePath: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]*Dockerfile[\w.-]*$/, { message: "a relative path to a file named like 'Dockerfile'" }).default('Dockerfile'),
  contextPath: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, { message: 'a relative path inside the project' }).default('.'),
  baseImages: z.custom<BaseImages>((v) => v instanceof BaseImages, { message: 'a BaseImages table, for example BaseImages.defaults()' }).optional(),
  sourceUrl: z.url({ protocol: /^https$/, message: 'an https URL of the source repository' }).optional(),
  healthcheck: z.strictObject({ interval: duration, timeout: duration, startPeriod: duration, retries: z.number().optional() }).default({}),
});

/**
 * A RUN after a non-root USER in the final stage runs as that user: package installs and writes to
 * root-owned folders fail there, at build time, far from the line that added them. Refuse it here.
 */
function afterUserProblems(final: StageModel, path: string): Problem[] {
  const problems: Problem[] = [];
  let user: string | undefined;
  for (const ins of final.instructions) {
    if (ins.kind === 'user') user = ins.user;
    if (ins.kind === 'run' && user !== undefined && !/^(0|root)(:|$)/.test(user)) {
      problems.push(problem('SS-DOCKER-RUN-AFTER-USER', path, 'run', ins.command, `a RUN before 'USER ${user}' (it would run as that non-root user)`,
        'Add it through the preset (for example runtimePackages of DockerPreset.python()), or on a stage before the final one, or with DockerPreset.custom() before ctx.finishRuntime().'));
    }
  }
  return problems;
}

/**
 * A container image for a service: a multi-stage Dockerfile and its .dockerignore.
 * The preset writes the stages at construction; `image.dockerfile` stays open for
 * more stages or instructions until synthesis.
 */
export class DockerImage extends ShipshapeConstruct {
  public readonly service: ImageWorkloadConstruct;
  public readonly preset: DockerPreset;
  public readonly dockerfilePath: string;
  public readonly contextPath: string;
  /** The Dockerfile being built: add stages or instructions here. */
  public readonly dockerfile: Dockerfile;
  private readonly dockerignore: string[];
  private readonly presetProblems: Problem[] = [];

  constructor(scope: IConstruct, id: string, props: DockerImageProps) {
    super(scope, id);
    const p = this.parse(schema, props, 'SS-IMAGE');
    this.service = p.service;
    this.preset = p.preset;
    this.dockerfilePath = p.dockerfilePath;
    this.contextPath = p.contextPath;
    // Check the timing once here, so a unit-less interval points at the DockerImage props.
    healthcheckModel({ command: ['true'], ...p.healthcheck }, this.constructPath);
    this.dockerfile = new Dockerfile(this.constructPath);
    const service = this.service._contribute().model as ImageWorkload;
    // The image's own directory says which package manager and versions it uses, as it does for its CI checks.
    const facts = this.contextPath === '.' ? projectFacts(this.project) : directoryFacts(this.project.outdir, this.contextPath);
    const ctx = presetContext(service, p.baseImages ?? BaseImages.defaults(), p.healthcheck, p.sourceUrl, facts, (x) => this.presetProblems.push(x));
    this.preset._stages(this.dockerfile, ctx);
    const base = this.dockerfilePath.split('/').pop()!;
    this.dockerignore = [...this.preset._dockerignore(facts), ...(base === 'Dockerfile' ? [] : [base])];
  }

  /** The stage the image is built from (the last one): the compose target. */
  public get targetStage(): Stage {
    return this.dockerfile.finalStage!;
  }

  /** Add .dockerignore patterns after the preset's. */
  public addDockerignore(...patterns: string[]): this {
    this.dockerignore.push(...patterns);
    return this;
  }

  /** @internal */
  public _validate(): Problem[] {
    const problems = [...this.presetProblems, ...this.dockerfile.problems()];
    // Two images of one service would push the same immutable tag (<service>:<sha>): the second push fails.
    const first = this.shipshape.membersOf(DockerImage).find((i) => i.service === this.service);
    if (first !== this) {
      problems.push(problem('SS-IMAGE-DUPLICATE', this.constructPath, 'service', this.service.name, `a service no other DockerImage builds (already built by ${first!.constructPath})`));
    }
    const final = this.dockerfile.toModel().stages.at(-1);
    if (!final) return problems;
    problems.push(...afterUserProblems(final, `${this.constructPath}/${final.name}`));
    problems.push(...this.commandProblems(final));
    const exposed = instructionsOf(final, 'expose');
    if (!('port' in this.service)) {
      const kind = 'schedule' in this.service ? 'job' : 'worker';
      // A worker or a job listens on nothing: an EXPOSE would promise a port no one can reach.
      for (const e of exposed) {
        problems.push(problem('SS-DOCKER-EXPOSE', `${this.constructPath}/${final.name}`, 'expose', e.port, `no EXPOSE: ${this.service.constructPath} is a ${kind} and has no port`,
          `Remove the EXPOSE (ctx.finishRuntime adds none for a ${kind}).`));
      }
      return problems;
    }
    const port = this.service.port;
    const declared = this.service.env.PORT;
    if (declared !== undefined && declared.value !== String(port)) {
      problems.push(problem('SS-SERVICE-PORT-ENV', this.service.constructPath, 'env.PORT', declared.value ?? `secret ${declared.secret}`, `unset, or '${port}' (the service's port)`,
        'The image, the task definition and compose set PORT from the Service\'s port; change the port there instead.'));
    }
    for (const e of exposed) {
      if (e.port !== port) {
        problems.push(problem('SS-DOCKER-EXPOSE', `${this.constructPath}/${final.name}`, 'expose', e.port, `the service's port ${port} (from ${this.service.constructPath})`,
          'The Service owns the port; change it there, or remove the extra EXPOSE.'));
      }
    }
    if (exposed.length === 0) {
      problems.push(problem('SS-DOCKER-EXPOSE', `${this.constructPath}/${final.name}`, 'expose', 'nothing', `EXPOSE ${port}, the service's port`, 'Call ctx.finishRuntime(stage, …) in the preset, or stage.expose(port).'));
    }
    return problems;
  }

  /**
   * The commands the workload runs in this image (a worker's health command, a service's migration, a job's command)
   * must exist in it. A distroless runtime has no shell and no package manager, and its node is /nodejs/bin/node, off
   * PATH: a command there starts with an absolute path.
   */
  private commandProblems(final: StageModel): Problem[] {
    const from = final.from;
    if (!('image' in from) || !from.image.includes('/distroless/')) return [];
    const w = this.service as Partial<{ healthCommand: readonly string[]; migrate: { command: readonly string[] }; command: readonly string[] }>;
    const commands: Array<[string, readonly string[] | undefined]> = [
      ['healthCommand', w.healthCommand], ['migrate.command', w.migrate?.command], ['command', w.command],
    ];
    return commands.filter(([, c]) => c !== undefined && !c[0].startsWith('/')).map(([property, c]) => problem(
      'SS-IMAGE-COMMAND', this.service.constructPath, property, c,
      `a command that starts with an absolute path: ${this.constructPath} runs on ${from.image}, which has no shell, no package manager and no ${c![0]} on PATH`,
      from.image.includes('/nodejs') ? `Start it with /nodejs/bin/node, for example ['/nodejs/bin/node', ${c!.slice(1).map((a) => `'${a}'`).join(', ') || "'dist/task.js'"}].` : 'Start it with the binary\'s absolute path in the image.',
    ));
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const model: ImageModel = {
      path: this.constructPath,
      service: this.service.name,
      dockerfilePath: this.dockerfilePath,
      contextPath: this.contextPath,
      dockerfile: this.dockerfile.toModel(),
      dockerignore: [...this.dockerignore],
    };
    return { kind: 'images', model };
  }
}
