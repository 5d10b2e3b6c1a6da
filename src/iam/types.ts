/** One permission a principal needs: an IAM action on a resource, and who needs it and why. */
export interface RequiredPermission {
  /** `service:Action`, exactly as IAM spells it. */
  readonly action: string;
  /** The resource ARN (may contain `*` where a part is unknowable, e.g. a generated name), or '*' when the action has no resource-level permissions / the resource is unknowable. */
  readonly resource: string;
  /** Why: e.g. `infra/prod.template.json: ProdService (AWS::ECS::Service) create` or `.github/workflows/ci.yml: deploy-prod / Deploy api: aws cloudformation deploy`. */
  readonly neededBy: string;
  /** Condition context the request carries, when a policy condition depends on it (e.g. { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }). */
  readonly context?: Readonly<Record<string, string>>;
}

/** A statement of an identity policy, after intrinsic functions are resolved to strings. */
export interface PolicyStatementData {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A role of a generated bootstrap template, with its identity policies and permissions boundary resolved. */
export interface RoleData {
  readonly file: string; // e.g. 'infra/bootstrap.template.json'
  readonly logicalId: string;
  readonly roleName: string;
  readonly account: string;
  readonly region: string;
  readonly statements: readonly PolicyStatementData[];
  readonly boundary?: readonly PolicyStatementData[];
}
