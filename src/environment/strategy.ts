import { Duration } from '../core/duration';

/** The plain-data form of a deployment strategy, as the model and renderers see it. */
export type StrategyModel =
  | { readonly kind: 'rolling' }
  | { readonly kind: 'blue-green'; readonly bakeSeconds: number }
  | { readonly kind: 'canary'; readonly percent: number; readonly bakeSeconds: number }
  | { readonly kind: 'linear'; readonly stepPercent: number; readonly stepIntervalSeconds: number; readonly bakeSeconds: number };

/**
 * How a new image replaces the old one in an environment. The pipeline waits
 * for the deployment and reports its outcome; the CloudFormation side configures
 * ECS (circuit breaker and alarms for rolling, native blue/green, canary and linear).
 */
export class DeploymentStrategy {
  /** Replace tasks in batches; the deployment circuit breaker and alarms roll back. */
  public static rolling(): DeploymentStrategy {
    return new DeploymentStrategy({ kind: 'rolling' });
  }

  /** Start a full green fleet, shift all traffic at once, then bake before the blue fleet is removed. */
  public static blueGreen(options: { readonly bake?: Duration } = {}): DeploymentStrategy {
    return new DeploymentStrategy({ kind: 'blue-green', bakeSeconds: (options.bake ?? Duration.minutes(10)).toSeconds() });
  }

  /** Shift `percent` of traffic, bake, then shift the rest. */
  public static canary(options: { readonly percent?: number; readonly bake?: Duration } = {}): DeploymentStrategy {
    return new DeploymentStrategy({ kind: 'canary', percent: options.percent ?? 10, bakeSeconds: (options.bake ?? Duration.minutes(10)).toSeconds() });
  }

  /** Shift traffic in equal steps of `stepPercent`, waiting `interval` between steps, then bake. */
  public static linear(options: { readonly stepPercent?: number; readonly interval?: Duration; readonly bake?: Duration } = {}): DeploymentStrategy {
    return new DeploymentStrategy({
      kind: 'linear',
      stepPercent: options.stepPercent ?? 20,
      stepIntervalSeconds: (options.interval ?? Duration.minutes(2)).toSeconds(),
      bakeSeconds: (options.bake ?? Duration.minutes(10)).toSeconds(),
    });
  }

  private constructor(public readonly model: StrategyModel) {}

  /** True when the strategy shifts traffic through a load balancer (it needs an ALB and an alternate target group). */
  public get needsLoadBalancer(): boolean {
    return this.model.kind !== 'rolling';
  }
}
