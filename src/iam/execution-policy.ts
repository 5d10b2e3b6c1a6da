import type { PolicyStatementData, RequiredPermission } from './types';

/** Condition operators for the context keys templateNeeds sets. */
const CONDITION_OPERATOR: Readonly<Record<string, string>> = {
  'iam:PassedToService': 'StringEquals',
  'iam:AWSServiceName': 'StringEquals',
  'iam:PolicyARN': 'ArnEquals',
  'iam:PermissionsBoundary': 'StringEquals',
};

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Identity-policy statements that allow exactly the given permissions, deterministically:
 * - a permission with a request context becomes a statement conditioned on that context (iam:PassRole only with
 *   iam:PassedToService, iam:CreateServiceLinkedRole only with iam:AWSServiceName, iam:AttachRolePolicy only of the
 *   named managed policies, role changes only with the stack roles' permissions boundary), one per action and set of
 *   context keys, each key allowing the values the needs carry;
 * - the others are grouped by action, each action allowed on the sorted set of its resources ('*' alone when any
 *   of its needs is '*'), and actions with the same resource set share a statement.
 * Statements are ordered by their resources, actions sorted; Sids are `<prefix><n>`.
 */
export function statementsFor(needs: readonly RequiredPermission[], sidPrefix: string): PolicyStatementData[] {
  const plain = new Map<string, Set<string>>();
  // Needs with a request context, by action and the set of context keys: their resources and every value of each key.
  const conditioned = new Map<string, { action: string; keys: string[]; values: Map<string, Set<string>>; resources: Set<string> }>();
  for (const n of needs) {
    const keys = Object.keys(n.context ?? {}).sort(byString);
    if (keys.length === 0) {
      const set = plain.get(n.action) ?? new Set<string>();
      set.add(n.resource);
      plain.set(n.action, set);
      continue;
    }
    const id = JSON.stringify([n.action, keys]);
    const entry = conditioned.get(id)
      ?? { action: n.action, keys, values: new Map(keys.map((k) => [k, new Set<string>()])), resources: new Set<string>() };
    entry.resources.add(n.resource);
    for (const k of keys) entry.values.get(k)!.add(n.context![k]);
    conditioned.set(id, entry);
  }
  const groups = new Map<string, { resources: string[]; actions: string[] }>();
  for (const [action, set] of plain) {
    const resources = set.has('*') ? ['*'] : [...set].sort(byString);
    const key = JSON.stringify(resources);
    const g = groups.get(key) ?? { resources, actions: [] };
    g.actions.push(action);
    groups.set(key, g);
  }
  const statements: Array<Omit<PolicyStatementData, 'Sid'>> = [];
  for (const key of [...groups.keys()].sort(byString)) {
    const g = groups.get(key)!;
    statements.push({ Effect: 'Allow', Action: g.actions.sort(byString), Resource: g.resources });
  }
  // One statement per action and set of context keys: every key must hold one of the values the needs carry.
  for (const id of [...conditioned.keys()].sort(byString)) {
    const c = conditioned.get(id)!;
    const condition: Record<string, Record<string, string | string[]>> = {};
    for (const key of c.keys) {
      const op = CONDITION_OPERATOR[key] ?? 'StringEquals';
      const values = [...c.values.get(key)!].sort(byString);
      condition[op] = { ...(condition[op] ?? {}), [key]: values.length === 1 ? values[0] : values };
    }
    statements.push({
      Effect: 'Allow',
      Action: [c.action],
      Resource: c.resources.has('*') ? ['*'] : [...c.resources].sort(byString),
      Condition: condition,
    });
  }
  const width = String(statements.length).length;
  return statements.map((s, i) => ({ Sid: `${sidPrefix}${String(i + 1).padStart(width, '0')}`, ...s }));
}

/** The size IAM counts for a policy document: its JSON without whitespace. */
export function policySize(statements: readonly PolicyStatementData[]): number {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;
}

/** IAM quotas: the inline policies of a role together, and one customer managed policy (characters, no whitespace). */
export const INLINE_ROLE_POLICY_LIMIT = 10_240;
export const MANAGED_POLICY_LIMIT = 6_144;

/** A statement whose document would exceed `limit`, split by its actions into statements that fit (Sids suffixed a, b, …). */
function splitStatement(s: PolicyStatementData, limit: number): PolicyStatementData[] {
  if (policySize([s]) <= limit) return [s];
  const actions = Array.isArray(s.Action) ? [...(s.Action as string[])] : [];
  if (actions.length < 2) throw new Error(`statement ${s.Sid ?? ''} is ${policySize([s])} characters, above the IAM policy limit of ${limit}`);
  const parts: PolicyStatementData[] = [];
  let current: string[] = [];
  const make = (list: string[], i: number): PolicyStatementData => ({ ...s, Sid: `${s.Sid ?? 'S'}${String.fromCharCode(97 + i)}`, Action: list });
  for (const a of actions) {
    if (current.length > 0 && policySize([make([...current, a], parts.length)]) > limit) {
      parts.push(make(current, parts.length));
      current = [];
    }
    current.push(a);
  }
  parts.push(make(current, parts.length));
  return parts;
}

/**
 * Split statements into documents of at most `limit` characters each, in order (first fit); a statement too large
 * for one document is split by its actions first.
 */
export function chunkStatements(statements: readonly PolicyStatementData[], limit: number): PolicyStatementData[][] {
  const chunks: PolicyStatementData[][] = [];
  let current: PolicyStatementData[] = [];
  for (const s of statements.flatMap((x) => splitStatement(x, limit))) {
    if (current.length > 0 && policySize([...current, s]) > limit) {
      chunks.push(current);
      current = [];
    }
    current.push(s);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
