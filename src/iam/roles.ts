import type { PolicyStatementData, RoleData } from './types';

type Json = Readonly<Record<string, unknown>>;

interface Ctx {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/**
 * The roles of a generated bootstrap template, with their identity policies (inline `Policies`, `AWS::IAM::Policy`
 * and `AWS::IAM::ManagedPolicy` resources that name them, managed policies of the template in `ManagedPolicyArns`)
 * and permissions boundary, intrinsic functions resolved to strings: `Ref` of pseudo parameters and of the template's
 * own buckets, roles and managed policies, `Fn::Join`, `Fn::Sub`, `Fn::GetAtt <role|bucket|provider>.Arn`.
 * An AWS managed policy (arn:…:iam::aws:policy/…) contributes no statements: its contents are not in the template.
 */
export function rolesOf(file: string, template: object, ctx: Ctx): RoleData[] {
  const resources = ((template as { Resources?: Record<string, Json> }).Resources ?? {});
  const props = (id: string) => (resources[id]?.Properties ?? {}) as Json;

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const v = value as Json;
    if (typeof v.Ref === 'string') return refOf(v.Ref);
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return (resolve(parts) as unknown[]).map(String).join(sep);
    }
    if (typeof v['Fn::Sub'] === 'string') return (v['Fn::Sub']).replace(/\$\{([^}]+)\}/g, (_m, n: string) => String(n.includes('.') ? getAtt(n.split('.')[0], n.split('.')[1]) : refOf(n)));
    if (Array.isArray(v['Fn::GetAtt'])) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return getAtt(id, attr);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  function refOf(name: string): string {
    switch (name) {
      case 'AWS::Partition': return ctx.partition;
      case 'AWS::Region': return ctx.region;
      case 'AWS::AccountId': return ctx.account;
      case 'AWS::URLSuffix': return ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      default: break;
    }
    const r = resources[name];
    if (!r) return `\${${name}}`;
    const p = r.Properties as Json | undefined;
    switch (r.Type) {
      case 'AWS::IAM::Role': return String(resolve(p?.RoleName) ?? name);
      case 'AWS::S3::Bucket': return String(resolve(p?.BucketName) ?? name);
      case 'AWS::IAM::ManagedPolicy': return `arn:${ctx.partition}:iam::${ctx.account}:policy${String(resolve(p?.Path) ?? '/')}${String(resolve(p?.ManagedPolicyName) ?? name)}`;
      case 'AWS::ECR::Repository': return String(resolve(p?.RepositoryName) ?? name);
      default: return name;
    }
  }
  function getAtt(id: string, attr: string): string {
    const r = resources[id];
    const p = (r?.Properties ?? {}) as Json;
    if (r?.Type === 'AWS::IAM::Role' && attr === 'Arn') return `arn:${ctx.partition}:iam::${ctx.account}:role${String(resolve(p.Path) ?? '/')}${refOf(id)}`;
    if (r?.Type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:${ctx.partition}:s3:::${refOf(id)}`;
    if (r?.Type === 'AWS::ECR::Repository' && attr === 'Arn') return `arn:${ctx.partition}:ecr:${ctx.region}:${ctx.account}:repository/${refOf(id)}`;
    if (r?.Type === 'AWS::IAM::OIDCProvider' && attr === 'Arn') return `arn:${ctx.partition}:iam::${ctx.account}:oidc-provider/${String(resolve(p.Url)).replace(/^https:\/\//, '')}`;
    return `\${${id}.${attr}}`;
  }

  const statementsOf = (doc: unknown): PolicyStatementData[] => {
    const d = resolve(doc) as { Statement?: PolicyStatementData | PolicyStatementData[] } | undefined;
    const s = d?.Statement;
    return s === undefined ? [] : Array.isArray(s) ? s : [s];
  };
  /** The template's own managed policies, by resolved ARN. */
  const managed = new Map<string, PolicyStatementData[]>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy') managed.set(refOf(id), statementsOf(props(id).PolicyDocument));
  }
  const namesRole = (list: unknown, roleId: string, roleName: string) => (Array.isArray(list) ? list : []).some((x) => {
    const t = x as Json;
    return (typeof t === 'object' && t !== null && t.Ref === roleId) || resolve(x) === roleName;
  });

  const roles: RoleData[] = [];
  for (const [id, r] of Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    const p = props(id);
    const roleName = refOf(id);
    const statements: PolicyStatementData[] = [];
    for (const inline of (p.Policies ?? []) as Json[]) statements.push(...statementsOf(inline.PolicyDocument));
    for (const arn of (resolve(p.ManagedPolicyArns) ?? []) as string[]) statements.push(...(managed.get(arn) ?? []));
    for (const [pid, pr] of Object.entries(resources)) {
      if ((pr.Type === 'AWS::IAM::Policy' || pr.Type === 'AWS::IAM::ManagedPolicy') && namesRole(props(pid).Roles, id, roleName)) {
        statements.push(...statementsOf(props(pid).PolicyDocument));
      }
    }
    const boundaryArn = resolve(p.PermissionsBoundary) as string | undefined;
    roles.push({
      file,
      logicalId: id,
      roleName,
      account: ctx.account,
      region: ctx.region,
      statements,
      ...(boundaryArn !== undefined ? { boundary: managed.get(boundaryArn) ?? [] } : {}),
    });
  }
  return roles;
}
