import { Component, Project, github, javascript } from 'projen';

/** projen's workflows that would run beside shipshape's ci.yml, by workflow name. */
const REPLACED: ReadonlyArray<[RegExp, string]> = [
  [/^build$/, "shipshape's ci.yml runs the checks (projen's build job would run them again and push self-mutation commits)"],
  [/^release$/, "shipshape's ci.yml publishes and deploys from the branch"],
  [/^upgrade(-.+)?$/, 'Dependabot (.github/dependabot.yml) proposes dependency updates'],
];

/**
 * Switches off a projen NodeProject's own `build`, `release` and `upgrade-<branch>` workflows,
 * which would otherwise run beside shipshape's pipeline, and says so at synthesis. Runs at
 * preSynthesize because projen adds the upgrade workflow only then.
 */
export class ProjenWorkflows extends Component {
  /** Once per project. */
  public static of(project: Project): ProjenWorkflows | undefined {
    if (!(project instanceof javascript.NodeProject)) return undefined;
    const found = project.node.tryFindChild(ID);
    return found instanceof ProjenWorkflows ? found : new ProjenWorkflows(project);
  }

  /** The workflow files removed at the last synthesis, with the reason. */
  public readonly removed: Array<{ readonly file: string; readonly reason: string }> = [];

  private constructor(project: Project) {
    super(project, ID);
  }

  public preSynthesize(): void {
    for (const wf of github.GitHub.of(this.project)?.workflows ?? []) {
      const reason = REPLACED.find(([re]) => re.test(wf.name))?.[1];
      const file = wf.file?.path;
      if (!reason || !file || this.removed.some((r) => r.file === file)) continue;
      if (this.project.tryRemoveFile(file)) this.removed.push({ file, reason });
    }
    for (const r of this.removed) this.project.logger.info(`shipshape: switched off projen's ${r.file}: ${r.reason}.`);
  }
}

const ID = 'shipshape-projen-workflows';
