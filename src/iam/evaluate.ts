/**
 * A small identity-policy evaluator for the synthesis rule SS-IAM-MISSING (the tests check the same questions with
 * @cloud-copilot/iam-simulate, independently of this file). It answers one question: does a role, through its identity
 * policies and its permissions boundary, allow one action on one resource with a given request context?
 *
 * What it implements, after AWS's "Policy evaluation logic":
 * - an explicit Deny in the identity policies or the boundary wins;
 * - otherwise an Allow in the identity policies is needed, and, when the role has a boundary, an Allow in the boundary
 *   too (the effective permissions are the intersection);
 * - `Action`/`NotAction`: `*` and `?` wildcards, case-insensitive; `Resource`/`NotResource`: the same wildcards,
 *   case-sensitive;
 * - conditions: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike,
 *   StringNotLike, ArnEquals, ArnLike, ArnNotEquals, ArnNotLike, Bool, each also with `IfExists`; several values of a
 *   key are OR-ed, keys and operators AND-ed; a key missing from the context fails a positive operator and satisfies
 *   a negated one (and any `…IfExists`).
 *
 * What it does not: policy variables (`${aws:username}`), set operators (`ForAnyValue:`/`ForAllValues:`), numeric,
 * date and IP operators. An unsupported operator makes an Allow statement not apply and a Deny statement apply, so
 * the evaluator can only err towards "denied" — a missing permission is never hidden.
 *
 * A request resource may contain `*` where a part is unknowable before run time (a generated name): the request is
 * allowed only when the policy allows every value there, i.e. when the policy has a wildcard at that place.
 */
import type { PolicyStatementData } from './types';

/** One request: an action on a resource, with the condition context it carries. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

export type IamDecision =
  | { readonly allowed: true; readonly statement?: string }
  | { readonly allowed: false; readonly reason: 'explicit-deny' | 'no-allow' | 'boundary'; readonly statement?: string };

/** Stands for the unknowable part of a request resource: no literal in a policy can equal it, only a wildcard can match it. */
const UNKNOWN = '\u0000';

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

const globCache = new Map<string, RegExp>();
/** `*` (any run of characters) and `?` (one character) as a regular expression. */
function glob(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    re = new RegExp(`^${globBody(pattern)}$`, ignoreCase ? 'i' : '');
    if (globCache.size > 5000) globCache.clear();
    globCache.set(key, re);
  }
  return re;
}
const globBody = (pattern: string) => pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');

/** One regular expression for a list of patterns. */
function anyOf(patterns: string | readonly string[], ignoreCase: boolean): RegExp {
  const all = list(patterns);
  return all.length === 0 ? /$^/ : new RegExp(`^(?:${all.map(globBody).join('|')})$`, ignoreCase ? 'i' : '');
}

/** Compiled matchers of a statement, cached by the statement object (a role's statements are evaluated thousands of times). */
const matchers = new WeakMap<PolicyStatementData, { action?: RegExp; notAction?: RegExp; resource?: RegExp; notResource?: RegExp }>();
function compiled(s: PolicyStatementData) {
  let m = matchers.get(s);
  if (!m) {
    m = {
      ...(s.Action !== undefined ? { action: anyOf(s.Action, true) } : {}),
      ...(s.NotAction !== undefined ? { notAction: anyOf(s.NotAction, true) } : {}),
      ...(s.Resource !== undefined ? { resource: anyOf(s.Resource, false) } : {}),
      ...(s.NotResource !== undefined ? { notResource: anyOf(s.NotResource, false) } : {}),
    };
    matchers.set(s, m);
  }
  return m;
}

type Operator = (policyValue: string, requestValue: string) => boolean;
const OPERATORS: Readonly<Record<string, { readonly test: Operator; readonly negated: boolean }>> = {
  StringEquals: { test: (p, r) => p === r, negated: false },
  StringNotEquals: { test: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { test: (p, r) => glob(p, false).test(r), negated: false },
  StringNotLike: { test: (p, r) => glob(p, false).test(r), negated: true },
  ArnEquals: { test: (p, r) => p === r, negated: false },
  ArnNotEquals: { test: (p, r) => p === r, negated: true },
  ArnLike: { test: (p, r) => glob(p, false).test(r), negated: false },
  ArnNotLike: { test: (p, r) => glob(p, false).test(r), negated: true },
  Bool: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

/** Whether a statement's conditions hold; `undefined` when an operator is not supported. */
function conditionsHold(condition: PolicyStatementData['Condition'], context: Readonly<Record<string, string>>): boolean | undefined {
  for (const [rawOperator, keys] of Object.entries(condition ?? {})) {
    const ifExists = rawOperator.endsWith('IfExists');
    const op = OPERATORS[ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator];
    if (!op) return undefined;
    for (const [key, values] of Object.entries(keys)) {
      const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (actual === undefined) {
        if (ifExists || op.negated) continue;
        return false;
      }
      const any = list(values).some((v) => op.test(String(v), actual));
      if (op.negated ? any : !any) return false;
    }
  }
  return true;
}

/** Whether a statement applies to the request; `undefined` when it cannot tell (an unsupported condition). */
function applies(s: PolicyStatementData, request: IamRequest, resource: string): boolean | undefined {
  const m = compiled(s);
  const action = m.action ? m.action.test(request.action) : m.notAction ? !m.notAction.test(request.action) : false;
  if (!action) return false;
  // An unknown part of the resource (UNKNOWN) equals no literal: only a wildcard at that place matches it.
  const inResource = m.resource ? m.resource.test(resource) : m.notResource ? !m.notResource.test(resource) : false;
  if (!inResource) return false;
  return conditionsHold(s.Condition, request.context ?? {});
}

/** Explicit deny, then an allow: the decision of one set of statements. */
function decide(statements: readonly PolicyStatementData[], request: IamRequest, resource: string): { effect: 'deny' | 'allow' | 'none'; sid?: string } {
  for (const s of statements) {
    // An undecidable Deny (unsupported condition) is taken to apply: the evaluator errs towards denied.
    if (s.Effect === 'Deny' && applies(s, request, resource) !== false) return { effect: 'deny', sid: s.Sid };
  }
  const allow = statements.find((s) => s.Effect === 'Allow' && applies(s, request, resource) === true);
  return allow ? { effect: 'allow', sid: allow.Sid } : { effect: 'none' };
}

/**
 * Does a role with these identity policy statements (and this permissions boundary, if any) allow the request?
 * `*` in the request resource stands for a value unknown before run time (see the module comment).
 */
export function evaluate(statements: readonly PolicyStatementData[], request: IamRequest, boundary?: readonly PolicyStatementData[]): IamDecision {
  const resource = request.resource === '*' ? '*' : request.resource.replace(/\*/g, UNKNOWN);
  const identity = decide(statements, request, resource);
  const bounded = boundary ? decide(boundary, request, resource) : undefined;
  if (identity.effect === 'deny') return { allowed: false, reason: 'explicit-deny', ...(identity.sid ? { statement: identity.sid } : {}) };
  if (bounded?.effect === 'deny') return { allowed: false, reason: 'explicit-deny', ...(bounded.sid ? { statement: `boundary ${bounded.sid}` } : {}) };
  if (identity.effect !== 'allow') return { allowed: false, reason: 'no-allow' };
  if (bounded && bounded.effect !== 'allow') return { allowed: false, reason: 'boundary' };
  return { allowed: true, ...(identity.sid ? { statement: identity.sid } : {}) };
}
