import { Project, ProjenrcFile } from 'projen';

/** The file synthesis runs when the project declares no projenrc of its own. */
export const DEFAULT_PROJENRC = '.projenrc.ts';

/** The command synth-check runs by default: projen's default task. */
export const DEFAULT_SYNTH_COMMAND = 'npx projen';

/**
 * `npx projen` runs the project's default task, which is empty for a bare `new Project(...)` (only projen's
 * `ProjenrcTs`/`ProjenrcJson` components add the step that runs the projenrc). synth-check would then compare the
 * committed files with themselves. When the project has no projenrc component and an empty default task, give it
 * the step projen's `ProjenrcTs` with the tsx runner adds: run `.projenrc.ts` with tsx. Returns whether it did.
 */
export function ensureProjenrcRunner(project: Project): boolean {
  const task = project.defaultTask;
  if (!task || ProjenrcFile.of(project) || task.steps.length > 0) return false;
  task.addSteps({ execArgs: ['tsx', DEFAULT_PROJENRC], shell: ['npx', '-y', '-p', 'tsx', '-c'] });
  return true;
}
