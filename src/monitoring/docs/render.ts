/** Every monitoring document of a project: runbooks, playbooks, incident response, postmortem template. */
import { renderIncidentResponse, renderPostmortemTemplate } from './incident';
import { renderDeployPlaybook, renderRollbackPlaybook } from './playbooks';
import { renderRunbook } from './runbook';
import type { ProjectModel, RenderedFile } from '../../model';

export function renderMonitoringDocs(model: ProjectModel): RenderedFile[] {
  if (model.monitoring.length === 0) return [];
  const source = model.monitoring[0].path;
  const files: RenderedFile[] = [];
  for (const m of model.monitoring) {
    for (const alarm of m.alarms) files.push({ path: alarm.runbookPath, source: alarm.path, content: renderRunbook(model, m, alarm) });
  }
  files.push({ path: 'docs/playbooks/deploy.md', source, content: renderDeployPlaybook(model) });
  files.push({ path: 'docs/playbooks/rollback.md', source, content: renderRollbackPlaybook(model) });
  files.push({ path: 'docs/incident-response.md', source, content: renderIncidentResponse(model) });
  files.push({ path: '.github/ISSUE_TEMPLATE/postmortem.md', source, content: renderPostmortemTemplate(model) });
  return files;
}
