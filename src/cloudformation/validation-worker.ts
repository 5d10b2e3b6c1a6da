/**
 * AWS's CloudFormation validator (bundled in aws-cdk-lib), loaded in a worker thread by `startValidation`
 * (validation.ts), which owns the messaging. Loading this module starts the engine, while the main thread is
 * still synthesizing the stacks; `validateTemplates` then answers from the warm engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TemplateDiagnostic } from './validation';
import { Engine, loadValidatorModule } from '../validators/cloudformation';

const mod = loadValidatorModule();
const engine = new mod.CompositeEngine();

/** aws-cdk-lib's rule index: which Rego rule file applies to which resource types (`null`: every type). */
interface RuleIndex { rules: Array<{ file: string; types: string[] | null }> }

/**
 * aws-cdk-lib's own validation plugin adds the Rego rules it ships for the resource types a template uses.
 * The engine above starts without them (that is what lets it start before the stacks exist); when a template
 * uses one of those types, an engine with the matching rules is made, so nothing aws-cdk-lib checks is skipped.
 */
function engineFor(templates: ReadonlyArray<{ readonly text: string }>): Engine {
  const dir = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'core', 'lib', 'validation', 'rules');
  let index: RuleIndex;
  try {
    index = JSON.parse(fs.readFileSync(path.join(dir, 'index.generated.json'), 'utf8')) as RuleIndex;
  } catch {
    return engine;
  }
  const types = new Set<string>();
  for (const { text } of templates) {
    const resources = (JSON.parse(text) as { Resources?: Record<string, { Type?: string } | null> }).Resources ?? {};
    for (const r of Object.values(resources)) if (r?.Type) types.add(r.Type);
  }
  const rules = index.rules.filter((r) => r.types !== null && r.types.some((t) => types.has(t)));
  if (rules.length === 0) return engine;
  const untyped = index.rules.filter((r) => r.types === null);
  const regoRules = [...untyped, ...rules].map((r) => ({ name: r.file, content: fs.readFileSync(path.join(dir, r.file), 'utf8') }));
  return new mod.CompositeEngine({ regoRules });
}

/** Validate rendered templates (errors and warnings). */
export function validateTemplates(
  templates: ReadonlyArray<{ readonly name: string; readonly text: string }>,
): Array<{ name: string; diagnostics: TemplateDiagnostic[] }> {
  const chosen = engineFor(templates);
  return templates.map(({ name, text }) => ({
    name,
    diagnostics: chosen.validateTemplate(new mod.TemplateContent(text, name), { severityLevel: 'WARN', strict: true }).diagnostics
      .map((d) => ({ severity: d.severity, ruleId: d.ruleId, message: d.message, propertyPath: d.propertyPath, line: d.startLine })),
  }));
}
