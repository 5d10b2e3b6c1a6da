import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { parseProps } from '../core/schema';
import type { ImageModel, ServiceModel } from '../model';
import type { Service } from '../service/service';
import { ModelContribution, ShipshapeConstruct } from '../shipshape';
import type { DockerfileModel } from './model';
import { NODE_DOCKERIGNORE, NodePresetOptions, nodeDockerfile } from './presets/node';

/** How an image is built: a preset turns a service into Dockerfile stages. */
export class DockerPreset {
  /** Node on npm: deps → build → prod-deps → a slim non-root runtime. */
  public static node(options: NodePresetOptions = {}): DockerPreset {
    return new DockerPreset('node', (s) => nodeDockerfile(s, options), NODE_DOCKERIGNORE);
  }

  private constructor(
    /** The preset's name. */
    public readonly name: string,
    /** @internal */
    public readonly _stages: (service: ServiceModel) => DockerfileModel,
    /** @internal */
    public readonly _dockerignore: readonly string[],
  ) {}
}

/** Props of a {@link DockerImage}. */
export interface DockerImageProps {
  /** The service this image packages: its port and health path feed the Dockerfile. */
  readonly service: Service;
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
}

const schema = z.strictObject({
  service: z.custom<Service>((v) => typeof v === 'object' && v !== null && 'healthPath' in v, { message: 'a Service construct' }),
  preset: z.custom<DockerPreset>((v) => v instanceof DockerPreset, { message: 'a DockerPreset, for example DockerPreset.node()' }),
  dockerfilePath: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]*Dockerfile[\w.-]*$/, { message: "a relative path to a file named like 'Dockerfile'" }).default('Dockerfile'),
  contextPath: z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, { message: 'a relative path inside the project' }).default('.'),
});

/** A container image for a service: a multi-stage Dockerfile and its .dockerignore. */
export class DockerImage extends ShipshapeConstruct {
  public readonly service: Service;
  public readonly preset: DockerPreset;
  public readonly dockerfilePath: string;
  public readonly contextPath: string;

  constructor(scope: IConstruct, id: string, props: DockerImageProps) {
    super(scope, id);
    const p = parseProps(schema, props, this.constructPath, 'SS-IMAGE');
    this.service = p.service;
    this.preset = p.preset;
    this.dockerfilePath = p.dockerfilePath;
    this.contextPath = p.contextPath;
  }

  /** @internal */
  public _contribute(): ModelContribution {
    const service = this.service._contribute().model as ServiceModel;
    const model: ImageModel = {
      path: this.constructPath,
      service: this.service.name,
      dockerfilePath: this.dockerfilePath,
      contextPath: this.contextPath,
      dockerfile: this.preset._stages(service),
      dockerignore: this.preset._dockerignore,
    };
    return { kind: 'images', model };
  }
}
