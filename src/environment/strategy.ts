import type { StrategyModel } from './model';
import { Duration } from '../core/duration';
import { Problem, ShipshapeError, problem, throwIfAny } from '../core/errors';
import { checkOptions } from '../core/schema';

/** ECS accepts bake times and step intervals of 0 to 1440 minutes. */
const MAX_BAKE_SECONDS = 1440 * 60;

/**
 * How a new image replaces the old one in an environment. The pipeline waits
 * for the deployment and reports its outcome; the CloudFormation side configures
 * ECS (rolling, or native blue/green, canary and linear).
 *
 * Every strategy rolls back when a deployment alarm fires, and new tasks that never start or never
 * pass the health check trip one; rolling and blue/green also have the deployment circuit breaker.
 * Blue/green, canary and linear shift traffic between two target groups of the load balancer, so the
 * environment needs one (a `domain`).
 */
export class DeploymentStrategy {
  /** Replace tasks in batches; the deployment circuit breaker and the deployment alarms roll back. */
  public static rolling(): DeploymentStrategy {
    return new DeploymentStrategy({ kind: 'rolling' });
  }

  /** Start a full green fleet, shift all traffic at once, then bake before the blue fleet is removed; the circuit breaker and the deployment alarms roll back. */
  public static blueGreen(options: { readonly bake?: Duration } = {}): DeploymentStrategy {
    checkOptions('DeploymentStrategy.blueGreen', options, ['bake'], 'SS-STRATEGY');
    const bakeSeconds = bake('blueGreen', 'bake', options.bake);
    return new DeploymentStrategy({ kind: 'blue-green', bakeSeconds });
  }

  /** Shift `percent` (1-99) of traffic, bake, then shift the rest and bake again. */
  public static canary(options: { readonly percent?: number; readonly bake?: Duration } = {}): DeploymentStrategy {
    checkOptions('DeploymentStrategy.canary', options, ['percent', 'bake'], 'SS-STRATEGY');
    const percent = options.percent ?? 10;
    throwIfAny(percentProblems('canary', 'percent', percent, 1));
    return new DeploymentStrategy({ kind: 'canary', percent, bakeSeconds: bake('canary', 'bake', options.bake) });
  }

  /** Shift traffic in equal steps of `stepPercent` (3-99), waiting `interval` between steps, then bake. */
  public static linear(options: { readonly stepPercent?: number; readonly interval?: Duration; readonly bake?: Duration } = {}): DeploymentStrategy {
    checkOptions('DeploymentStrategy.linear', options, ['stepPercent', 'interval', 'bake'], 'SS-STRATEGY');
    const stepPercent = options.stepPercent ?? 20;
    throwIfAny(percentProblems('linear', 'stepPercent', stepPercent, 3));
    return new DeploymentStrategy({
      kind: 'linear',
      stepPercent,
      stepIntervalSeconds: bake('linear', 'interval', options.interval ?? Duration.minutes(2)),
      bakeSeconds: bake('linear', 'bake', options.bake),
    });
  }

  private constructor(public readonly model: StrategyModel) {}

  /** True when the strategy shifts traffic through a load balancer (it needs an ALB and an alternate target group). */
  public get needsLoadBalancer(): boolean {
    return this.model.kind !== 'rolling';
  }

  /**
   * The seconds the new version runs with all traffic, under the deployment alarms, before the old
   * version is removed (`undefined` for rolling, which has no bake).
   */
  public get bakeSeconds(): number | undefined {
    return this.model.kind === 'rolling' ? undefined : this.model.bakeSeconds;
  }
}

function where(factory: string): string {
  return `DeploymentStrategy.${factory}`;
}

function bake(factory: string, property: string, d: Duration | undefined): number {
  // 15 minutes: the default canary alarm's window (2 × 5 minutes) plus the 2-minute margin of the bake check, rounded up.
  const value = d ?? Duration.minutes(15);
  if (!Duration.isDuration(value) || value.toSeconds() > MAX_BAKE_SECONDS || value.toSeconds() % 60 !== 0) {
    throw new ShipshapeError([problem('SS-STRATEGY', where(factory), property, String(value), 'a Duration of whole minutes from 0 to 1440 minutes (24 hours)')]);
  }
  return value.toSeconds();
}

function percentProblems(factory: string, property: string, value: number, min: number): Problem[] {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 99) return [];
  return [problem('SS-STRATEGY', where(factory), property, value, `a whole percentage from ${min} to 99`)];
}
