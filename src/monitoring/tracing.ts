import type { TracingModel } from './model';
import { checkOptions, keysOf } from '../core/schema';

/** The public image of the AWS X-Ray daemon. */
export const XRAY_DAEMON_REPOSITORY = 'public.ecr.aws/xray/aws-xray-daemon';

/** Options of the X-Ray daemon sidecar. */
export interface XRayTracingOptions {
  /**
   * The image tag (or `sha256:` digest) of `public.ecr.aws/xray/aws-xray-daemon` to run.
   * Required: shipshape does not guess a version. See https://gallery.ecr.aws/xray/aws-xray-daemon.
   */
  readonly imageTag: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A tracing sidecar for the service's tasks. */
export class Tracing {
  /** The X-Ray daemon as a sidecar container; the task role gets the X-Ray write permissions. */
  public static xray(options: XRayTracingOptions): Tracing {
    checkOptions('Tracing.xray', options, keysOf<XRayTracingOptions>()('imageTag'), 'SS-TRACING', true);
    return new Tracing(options.imageTag);
  }

  private constructor(private readonly imageTag: unknown) {}

  /** @internal The problem with the tag, if any. */
  public _tagProblem(): string | undefined {
    const t = this.imageTag;
    return typeof t === 'string' && (TAG.test(t) || DIGEST.test(t)) ? undefined : 'a Docker image tag or a sha256: digest';
  }

  /** @internal */
  public get _tag(): unknown {
    return this.imageTag;
  }

  /** @internal */
  public _model(): TracingModel {
    const tag = String(this.imageTag);
    return { kind: 'xray', image: DIGEST.test(tag) ? `${XRAY_DAEMON_REPOSITORY}@${tag}` : `${XRAY_DAEMON_REPOSITORY}:${tag}` };
  }
}
