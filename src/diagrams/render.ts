/** The Mermaid diagrams of a project: docs/pipeline.md and docs/architecture/<environment>.md. */
import type { ProjectModel, RenderedFile } from '../model';
import { renderArchitectureDiagrams } from './architecture';
import { renderPipelineDiagram } from './pipeline';

export function renderDiagrams(model: ProjectModel): RenderedFile[] {
  const pipeline = renderPipelineDiagram(model);
  return [...(pipeline ? [pipeline] : []), ...renderArchitectureDiagrams(model)];
}
