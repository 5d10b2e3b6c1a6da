import { throwIfAny } from '../core/errors';
import { toJson, toYaml } from '../core/serialize';
import type { PipelineModel, RenderedFile } from '../model';
import { escapeHatchProblems } from './escape-hatch-check';
import { dependabotObject, environmentsObject, rulesetObject } from './guardrails';
import { ActionPins } from './pins';
import { renderWorkflow } from './render';
import { OIDC_SUBJECT_FILE, SETTINGS_SCRIPT, oidcSubjectObject, settingsScript } from './settings';

/** Every file of one pipeline: its workflows, the ruleset, dependabot.yml and the environments file. */
export function renderPipeline(pipeline: PipelineModel, header: readonly string[]): RenderedFile[] {
  const pins = ActionPins.fromTable(pipeline.pins);
  const source = pipeline.path;
  const files: RenderedFile[] = [{ path: pipeline.filePath, source, content: renderWorkflow(pipeline.workflow, pins, header) }];
  for (const w of pipeline.extraWorkflows ?? []) {
    files.push({ path: w.filePath, source, content: renderWorkflow(w.workflow, pins, header) });
  }
  // Escape hatches write what the typed model cannot check: the final files are validated instead.
  throwIfAny([{ filePath: pipeline.filePath, workflow: pipeline.workflow }, ...(pipeline.extraWorkflows ?? [])]
    .flatMap((w) => escapeHatchProblems(source, w.filePath, w.workflow, pins, header)));
  const rulesetFile = pipeline.ruleset ? `.github/rulesets/${pipeline.ruleset.branch.replace(/[^\w.-]+/g, '-')}.json` : undefined;
  if (pipeline.ruleset && rulesetFile) {
    files.push({ path: rulesetFile, source, content: toJson(rulesetObject(pipeline.ruleset), (p) => (p.length === 0 ? ['name', 'target', 'enforcement'] : p[p.length - 1] === '[]' ? ['type'] : undefined)) });
  }
  if (pipeline.oidcSubjectClaimKeys) {
    files.push({ path: OIDC_SUBJECT_FILE, source, content: toJson(oidcSubjectObject(pipeline.oidcSubjectClaimKeys), () => ['use_default', 'include_claim_keys']) });
  }
  if (pipeline.dependabot) {
    files.push({
      path: '.github/dependabot.yml',
      source,
      content: toYaml(dependabotObject(pipeline.dependabot), { header, order: (p) => (p.length === 0 ? ['version'] : p[p.length - 1] === '[]' ? ['package-ecosystem', 'directory'] : undefined) }),
    });
  }
  if (pipeline.githubEnvironments && pipeline.githubEnvironments.length > 0) {
    files.push({ path: '.github/environments.json', source, content: toJson(environmentsObject(pipeline.githubEnvironments), (p) => (p[p.length - 1] === '[]' ? ['name'] : undefined)) });
  }
  const environments = pipeline.githubEnvironments ?? [];
  if (pipeline.ruleset || environments.length > 0 || pipeline.oidcSubjectClaimKeys) {
    files.push({
      path: SETTINGS_SCRIPT,
      source,
      content: settingsScript({
        rulesetFile, ruleset: pipeline.ruleset, environments, oidcSubjectFile: pipeline.oidcSubjectClaimKeys ? OIDC_SUBJECT_FILE : undefined,
      }, header),
    });
  }
  return files;
}
