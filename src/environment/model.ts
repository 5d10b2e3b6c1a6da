/**
 * The plain-data forms of an environment's settings (the model's types): read by the model and the renderers, and
 * free of constructs, so that renderers never import a construct.
 */
import type { Stack } from 'aws-cdk-lib';

/** The plain-data form of a deployment strategy, as the model and renderers see it. */
export type StrategyModel =
  | { readonly kind: 'rolling' }
  | { readonly kind: 'blue-green'; readonly bakeSeconds: number }
  | { readonly kind: 'canary'; readonly percent: number; readonly bakeSeconds: number }
  | { readonly kind: 'linear'; readonly stepPercent: number; readonly stepIntervalSeconds: number; readonly bakeSeconds: number };

export type NetworkModel = { readonly kind: 'create'; readonly natGateways: number } | { readonly kind: 'existing' };

export interface SecretModel {
  readonly kind: 'name' | 'arn';
  readonly id: string;
  readonly field?: string;
}

/** A callback that adds aws-cdk-lib constructs to an environment stack when templates are built. */
export type StackCustomization = (stack: Stack, context: { readonly service: string; readonly environment: string }) => void;

/** One raw override of a synthesized resource, in the style of `CfnResource.addOverride`. */
export interface ResourceOverride {
  /** A logical id (`ApiServiceC4D7D10C`) or a construct path inside the stack (`Api/Service`). */
  readonly target: string;
  /** A dotted path inside the resource, for example `Properties.HealthCheckGracePeriodSeconds`. */
  readonly path: string;
  readonly value: unknown;
}

/** Everything the environment stacks need beyond account and region. */
export interface InfrastructureModel {
  /** Production environments get deletion protection and retained data. */
  readonly production: boolean;
  readonly network: NetworkModel;
  readonly domain?: { readonly name: string; readonly hostedZoneId?: string; readonly certificateArn?: string };
  readonly scaling: { readonly min: number; readonly max: number; readonly metric: 'cpu' | 'memory' | 'requests'; readonly target: number };
  readonly variables: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretModel>>;
  readonly customizations: readonly StackCustomization[];
  readonly overrides: readonly ResourceOverride[];
}

/** The audit trail as the bootstrap stack builds it. */
export interface AuditTrailModel {
  readonly retentionDays: number;
  readonly objectLock?: 'governance' | 'compliance';
  readonly existingTrailAccounts: readonly string[];
}
