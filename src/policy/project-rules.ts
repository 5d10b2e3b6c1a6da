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

/** A Database or Monitoring renders into the environments' templates: with none, it produces nothing (at most runbooks). */
const NO_ENVIRONMENT: PolicyRule = {
  id: 'SS-NO-ENVIRONMENT',
  severity: 'warning',
  description: 'a Database or Monitoring has an Environment to be created in',
  fix: "Declare an Environment (new Environment(project, 'prod', { account, region })), or remove the construct.",
  check({ model }) {
    if (model.environments.length > 0) return [];
    return [...model.databases, ...model.monitoring].map((m) => ({
      path: m.path,
      property: 'service',
      got: 'no Environment in the project',
      expected: 'at least one Environment: without one no template creates this (only its runbooks and docs are written)',
    }));
  },
};

export const PROJECT_RULES: PolicyRule[] = [BOOTSTRAP, NO_ENVIRONMENT];
