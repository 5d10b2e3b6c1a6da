import type { PolicyRule } from './policy';

/** Rules over the project model as a whole. */
const BOOTSTRAP: PolicyRule = {
  id: 'SS-BOOTSTRAP-MISSING',
  severity: 'warning',
  description: 'a project that deploys has a bootstrap stack (OIDC deploy roles, image registry, template bucket)',
  fix: "Name the GitHub repository: Shipshape.configure(project, { repository: 'owner/repo' }).",
  check({ model }) {
    const deploys = model.environments.length > 0 && model.services.length > 0 && model.pipelines.length > 0;
    if (!deploys || model.bootstrap) return [];
    return [{
      path: model.name,
      property: 'repository',
      got: 'no repository',
      expected: "the 'owner/repo' whose workflows may deploy, so that infra/bootstrap*.template.json is generated",
    }];
  },
};

export const PROJECT_RULES: PolicyRule[] = [BOOTSTRAP];
