import type { Finding } from './finding';

/** One diagnostic as `@aws/cloudformation-validate` reports it. */
export interface Diagnostic { severity: string; ruleId: string; message: string; startLine?: number; propertyPath?: string }
/** The validator's engine. */
export interface Engine {
  validateTemplate(content: unknown, options: { severityLevel: string; strict: boolean }): { diagnostics: Diagnostic[] };
  free(): void;
}
/** The part of `@aws/cloudformation-validate` shipshape uses. */
export interface ValidatorModule {
  CompositeEngine: new (options?: { regoRules?: Array<{ name: string; content: string }> }) => Engine;
  TemplateContent: new (text: string, name: string) => unknown;
}

/** Load AWS's CloudFormation validator from inside aws-cdk-lib, which bundles it (it is not published on its own). */
export function loadValidatorModule(): ValidatorModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const req = require('module').createRequire(require.resolve('aws-cdk-lib')) as NodeJS.Require;
  return req('@aws/cloudformation-validate') as ValidatorModule;
}

/**
 * AWS's CloudFormation validator (`@aws/cloudformation-validate`, bundled inside
 * aws-cdk-lib). Starting the engine takes seconds: create one and reuse it.
 */
export class CloudFormationValidator {
  private engine?: Engine;
  private TemplateContent?: new (text: string, name: string) => unknown;

  /** Validate one template; returns errors and warnings. */
  public validate(text: string, file: string): Finding[] {
    if (!this.engine) {
      const mod = loadValidatorModule();
      this.engine = new mod.CompositeEngine();
      this.TemplateContent = mod.TemplateContent;
    }
    const r = this.engine.validateTemplate(new this.TemplateContent!(text, file), { severityLevel: 'WARN', strict: true });
    return r.diagnostics.map((d) => cloudFormationFinding(file, { ...d, line: d.startLine }));
  }

  /** Release the engine's memory. */
  public free(): void {
    this.engine?.free();
    this.engine = undefined;
  }
}

/** One diagnostic of AWS's CloudFormation validator as a finding (FATAL and ERROR are errors). */
export function cloudFormationFinding(
  file: string, d: { severity: string; ruleId: string; message: string; propertyPath?: string; line?: number },
): Finding {
  return {
    validator: 'cloudformation',
    file,
    severity: /info|debug/i.test(d.severity) ? 'info' : /warn/i.test(d.severity) ? 'warning' : 'error',
    rule: d.ruleId,
    message: d.propertyPath ? `${d.message} (at ${d.propertyPath})` : d.message,
    line: d.line,
  };
}
