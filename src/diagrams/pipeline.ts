/** docs/pipeline.md: the main workflow's job graph, drawn from the same PipelineModel the workflow is rendered from. */
import { Flowchart, mermaidBlock } from './mermaid';
import type { GitHubEnvironmentModel } from '../github/guardrails';
import { ActionPins } from '../github/pins';
import { workflowObject } from '../github/render';
import type { JobModel } from '../github/workflow';
import type { PipelineModel, ProjectModel, RenderedFile } from '../model';
import { CriticalPath, criticalPath, formatPath } from '../pipeline/budget';

export const PIPELINE_DIAGRAM_FILE = 'docs/pipeline.md';

/** A job of the main workflow as it is written (needs and environment after raw overrides), with its budget facts. */
export interface DiagramJob extends JobModel {
  readonly stage?: 'check' | 'deploy';
  readonly prOnly: boolean;
  /** The GitHub environment's protection, when the job deploys to one. */
  readonly protection?: GitHubEnvironmentModel;
}

export interface PipelineDiagram {
  readonly jobs: readonly DiagramJob[];
  /** The longest chain of a push to the branch (every job but the pull-request-only ones). */
  readonly pushPath: CriticalPath;
  /** The longest chain of a pull request (the check stage). */
  readonly prPath: CriticalPath;
  readonly chart: Flowchart;
}

/** The jobs of the main workflow, in order, with `needs` and `environment` read from the workflow object that is written. */
export function diagramJobs(pipeline: PipelineModel): DiagramJob[] {
  const object = workflowObject(pipeline.workflow, ActionPins.fromTable(pipeline.pins));
  const written = (object.jobs ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const typed = new Map(pipeline.workflow.jobs.map((j) => [j.id, j]));
  return Object.entries(written).flatMap(([id, job]) => {
    if (job === null || typeof job !== 'object') return [];
    const needs = job.needs;
    const environment = job.environment;
    const envName = typeof environment === 'string' ? environment
      : environment !== null && typeof environment === 'object' && typeof (environment as { name?: unknown }).name === 'string' ? (environment as { name: string }).name : undefined;
    const base = typed.get(id);
    return [{
      ...(base ?? { runsOn: String(job['runs-on'] ?? ''), permissions: {}, timeoutMinutes: 0, steps: [] }),
      id,
      needs: typeof needs === 'string' ? [needs] : Array.isArray(needs) ? needs.map(String) : [],
      environment: envName !== undefined ? { name: envName } : undefined,
      stage: pipeline.stages?.[id]?.stage,
      prOnly: pipeline.stages?.[id]?.prOnly ?? false,
      protection: envName !== undefined ? pipeline.githubEnvironments?.find((e) => e.name === envName) : undefined,
    }];
  });
}

/** True when a person must approve the job before it runs (its GitHub environment has reviewers). */
export function needsApproval(job: DiagramJob): boolean {
  return (job.protection?.reviewers.length ?? 0) > 0;
}

/** How many copies a matrix runs (the product of its lists), 1 without one. */
function matrixSize(job: JobModel): number {
  const matrix = job.strategy?.matrix;
  if (matrix === null || typeof matrix !== 'object') return 1;
  return Object.values(matrix as Record<string, unknown>).reduce<number>((n, v) => n * (Array.isArray(v) ? v.length : 1), 1);
}

export function pipelineDiagram(pipeline: PipelineModel): PipelineDiagram {
  const jobs = diagramJobs(pipeline);
  const pushPath = criticalPath(jobs.filter((j) => !j.prOnly));
  const prPath = criticalPath(jobs.filter((j) => j.stage === undefined || j.stage === 'check'));
  const chart = new Flowchart('LR');
  const id = (job: string) => chart.id('job', job);
  const onPath = new Set(pushPath.jobs);
  const node = (j: DiagramJob) => {
    const copies = matrixSize(j);
    const p = j.protection;
    const lines = [
      j.id,
      copies > 1 ? `matrix of ${copies}` : '',
      j.expectedMinutes !== undefined ? `about ${j.expectedMinutes} min` : '',
      j.prOnly ? 'pull requests only' : '',
      p && needsApproval(j) ? `approval: ${p.reviewers.join(', ')}` : '',
      p && p.waitMinutes > 0 ? `wait timer ${p.waitMinutes} min` : '',
    ];
    chart.node(id(j.id), lines, needsApproval(j) ? 'hexagon' : 'box');
    if (needsApproval(j)) chart.addClass(id(j.id), 'approval');
    if (j.prOnly) chart.addClass(id(j.id), 'pronly');
    if (onPath.has(j.id)) chart.addClass(id(j.id), 'critical');
  };
  const groups: Array<[string, string, (j: DiagramJob) => boolean]> = [
    ['checks', 'checks and scans: pull requests and pushes', (j) => j.stage === 'check'],
    ['publish', 'publish: pushes to the branch', (j) => j.stage === 'deploy' && j.environment === undefined],
    ['deploy', 'deploy, in order', (j) => j.environment !== undefined],
  ];
  const placed = new Set<DiagramJob>();
  for (const [key, title, member] of groups) {
    const members = jobs.filter((j) => !placed.has(j) && member(j));
    if (members.length === 0) continue;
    chart.group(chart.id('stage', key), title, () => members.forEach((j) => {
      placed.add(j);
      node(j);
    }));
  }
  jobs.filter((j) => !placed.has(j)).forEach(node);
  const known = new Set(jobs.map((j) => j.id));
  const pathEdges = new Set(pushPath.jobs.slice(1).map((to, i) => `${pushPath.jobs[i]}\u0000${to}`));
  for (const j of jobs) {
    for (const need of j.needs.filter((n) => known.has(n))) chart.edge(id(need), id(j.id), pathEdges.has(`${need}\u0000${j.id}`) ? 'thick' : 'solid');
  }
  chart.classDef('critical', 'stroke:#c62828,stroke-width:3px');
  chart.classDef('approval', 'fill:#fff4ce,stroke:#b7791f,stroke-width:2px');
  chart.classDef('pronly', 'stroke-dasharray:5 5');
  return { jobs, pushPath, prPath, chart };
}

function pipelineSection(pipeline: PipelineModel): string[] {
  const d = pipelineDiagram(pipeline);
  const branch = pipeline.branch ?? 'main';
  const approvals = d.jobs.filter(needsApproval);
  return [
    `## \`${pipeline.filePath}\``,
    '',
    `Each arrow is a \`needs\`. Thick arrows and red borders are the critical path of a push to \`${branch}\`, from each job's expected minutes (the speed budget's estimates). Hexagons are deploy jobs that wait for a reviewer's approval (GitHub environment protection); dashed boxes run on pull requests only.`,
    '',
    mermaidBlock(d.chart),
    '',
    `- Critical path of a push to \`${branch}\`: ${formatPath(d.pushPath, d.jobs)}`,
    `- Critical path of a pull request: ${formatPath(d.prPath, d.jobs)}`,
    ...(approvals.length > 0
      ? approvals.map((j) => `- \`${j.id}\` waits for approval by ${j.protection!.reviewers.map((r) => `\`${r}\``).join(', ')} (GitHub environment \`${j.protection!.name}\`${j.protection!.waitMinutes > 0 ? `, then a ${j.protection!.waitMinutes}-minute wait timer` : ''})`)
      : ['- No deploy job waits for an approval.']),
    '',
  ];
}

/** docs/pipeline.md, when the project has a pipeline. */
export function renderPipelineDiagram(model: ProjectModel): RenderedFile | undefined {
  if (model.pipelines.length === 0) return undefined;
  const lines = [
    `<!-- ${model.header.join(' ')} -->`,
    '# Pipeline',
    '',
    'The job graph of each generated workflow, drawn from the same model the workflow is written from.',
    '',
    ...model.pipelines.flatMap(pipelineSection),
  ];
  return { path: PIPELINE_DIAGRAM_FILE, source: model.pipelines[0].path, content: `${lines.join('\n').trimEnd()}\n` };
}
