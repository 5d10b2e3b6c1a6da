import type { Problem } from '../core/errors';
import type { ProjectModel, RenderedFile } from '../model';

export type Severity = 'error' | 'warning' | 'info';

/** One rule violation. `path` is the construct path it is about. */
export interface Violation {
  readonly path: string;
  readonly property: string;
  readonly got: string;
  readonly expected: string;
  /** Extra detail, for example which file and line. */
  readonly detail?: string;
}

/** What a rule can look at: the model, and every file rendered from it. */
export interface PolicyContext {
  readonly model: ProjectModel;
  readonly files: readonly RenderedFile[];
}

/** A policy rule with a stable id, a severity, a message and a fix hint. */
export interface PolicyRule {
  /** Stable id, for example `SS-DOCKER-NONROOT`. Never reused for something else. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule guarantees. */
  readonly description: string;
  /** How to fix a violation. */
  readonly fix: string;
  check(ctx: PolicyContext): Violation[];
}

/** A rule a user chose to accept, with the reason. */
export interface Acknowledgement {
  readonly ruleId: string;
  /** The construct path it applies to; it covers that construct and everything under it. */
  readonly path: string;
  readonly reason: string;
}

/** One finding after acknowledgements are applied. */
export interface PolicyFinding {
  readonly rule: PolicyRule;
  readonly violation: Violation;
  /** Set when a user acknowledged this finding. */
  readonly acknowledged?: Acknowledgement;
}

/** Run every rule; mark findings that an acknowledgement covers. */
export function evaluatePolicy(rules: readonly PolicyRule[], ctx: PolicyContext, acks: readonly Acknowledgement[]): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  for (const rule of rules) {
    for (const violation of rule.check(ctx)) {
      const acknowledged = acks.find((a) => a.ruleId === rule.id && (violation.path === a.path || violation.path.startsWith(`${a.path}/`)));
      findings.push({ rule, violation, ...(acknowledged ? { acknowledged } : {}) });
    }
  }
  return findings;
}

/** Unacknowledged error findings as problems, ready to throw together with every other problem. */
export function blockingProblems(findings: readonly PolicyFinding[]): Problem[] {
  return findings
    .filter((f) => f.rule.severity === 'error' && !f.acknowledged)
    .map((f) => ({
      code: f.rule.id,
      path: f.violation.path,
      property: f.violation.property,
      got: f.violation.got,
      expected: f.violation.expected,
      hint: `${f.rule.fix}${f.violation.detail ? ` (${f.violation.detail})` : ''} To accept it, call acknowledge('${f.rule.id}', '<reason>') on the construct.`,
    }));
}

/** A short, readable report: one line per finding. */
export function policyReport(findings: readonly PolicyFinding[]): string[] {
  return findings.map((f) => {
    const state = f.acknowledged ? `acknowledged: ${f.acknowledged.reason}` : f.rule.severity;
    return `${f.rule.id} [${state}] ${f.violation.path} ${f.violation.property}: ${f.rule.description}`;
  });
}
