import { synthesizeTemplates, templateFiles, templateSizeProblems } from './cloudformation/templates';
import { TemplateDiagnostic, startValidation } from './cloudformation/validation';
import { renderCompose } from './compose/render';
import { Problem, problem, throwIfAny } from './core/errors';
import { toJson } from './core/serialize';
import { renderDiagrams } from './diagrams/render';
import { renderDockerfile, renderDockerignore } from './docker/render';
import { renderPipeline } from './github/render-pipeline';
import type { ProjectModel, RenderedFile } from './model';
import { renderJobRunbooks } from './monitoring/docs/job-runbook';
import { renderMonitoringDocs } from './monitoring/docs/render';
import { renderWorkerRunbooks } from './monitoring/docs/worker-runbook';
import { withTemplateCache } from './template-cache';

export interface RenderOptions {
  readonly cloudFormationValidation: boolean;
  /** The project's root, where the template cache lives. @default - no cache */
  readonly projectDir?: string;
  /** @default true */
  readonly cache?: boolean;
  /** Where cache writes are queued until the whole synthesis has passed. @default - written at once */
  readonly deferredWrites?: Array<() => void>;
}

const TEMPLATE_HEAD = ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Rules', 'Resources', 'Outputs'];

/** Every output of a validated model, in a fixed order. Pure apart from aws-cdk-lib's temp dir. */
export function renderProject(model: ProjectModel, options: RenderOptions): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const image of model.images) {
    files.push({ path: image.dockerfilePath, source: image.path, content: renderDockerfile(image.dockerfile, model.header) });
    const ignorePath = image.contextPath === '.' ? '.dockerignore' : `${image.contextPath.replace(/\/$/, '')}/.dockerignore`;
    files.push({ path: ignorePath, source: image.path, content: renderDockerignore(image.dockerignore, model.header) });
  }
  for (const compose of model.composes) {
    files.push({ path: compose.filePath, source: compose.path, content: renderCompose(compose, model.header) });
  }
  for (const pipeline of model.pipelines) files.push(...renderPipeline(pipeline, model.header));
  const cacheOptions = {
    projectDir: options.projectDir,
    validation: options.cloudFormationValidation,
    enabled: options.cache,
    deferredWrites: options.deferredWrites,
  };
  const templates = withTemplateCache(model, cacheOptions, () => {
    // The validator's engine takes seconds to start: it warms up in a worker while the stacks synthesize.
    const pending = options.cloudFormationValidation && templateFiles(model).length > 0 ? startValidation() : undefined;
    let rendered: Map<string, string>;
    try {
      const built = synthesizeTemplates(model, { validation: false });
      // One-space indent, as the AWS CDK writes templates. The pipeline deploys them through S3 (up to 1,000,000 bytes).
      rendered = new Map([...built].map(([file, template]) => [file, toJson(template, (p) => (p.length === 0 ? TEMPLATE_HEAD : undefined), 1)]));
    } catch (e) {
      pending?.cancel();
      throw e;
    }
    // The exact text that is written is what gets validated.
    if (pending) throwIfAny(validationProblems(model, pending.validate([...rendered].map(([name, text]) => ({ name, text })))));
    return rendered;
  });
  throwIfAny(templateSizeProblems(model, templates));
  for (const target of templateFiles(model)) {
    files.push({ path: target.filePath, source: target.source, content: templates.get(target.filePath)! });
  }
  files.push(...renderMonitoringDocs(model));
  files.push(...renderJobRunbooks(model));
  files.push(...renderWorkerRunbooks(model));
  files.push(...renderDiagrams(model));
  return files;
}

/** Errors of AWS's CloudFormation validator as problems of the environment that owns the template. */
function validationProblems(model: ProjectModel, results: ReadonlyArray<{ name: string; diagnostics: TemplateDiagnostic[] }>): Problem[] {
  const sources = new Map(templateFiles(model).map((t) => [t.filePath, t.source]));
  return results.flatMap((r) => r.diagnostics
    .filter((d) => /error|fatal/i.test(d.severity))
    .map((d) => problem('SS-CFN-VALIDATE', sources.get(r.name) ?? model.name, d.propertyPath ?? '(template)', d.message,
      `a template AWS's CloudFormation validator accepts (rule ${d.ruleId})`,
      `${r.name}${d.line !== undefined ? `:${d.line}` : ''}. An addOverride or stack customization is the usual cause.`)));
}
