import { Problem, problem } from '../core/errors';

/** GitHub's rules for an owner and a repository name, as 'owner/repo'. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** Problems of the project-level bootstrap options given to Shipshape.configure. */
export function bootstrapOptionProblems(
  projectName: string, options: { readonly repository?: string; readonly existingOidcProviderAccounts?: readonly string[] },
): Problem[] {
  const problems: Problem[] = [];
  const path = `${projectName}/Shipshape`;
  const repo = options.repository;
  if (repo !== undefined && /\.git$/i.test(repo) && REPOSITORY_PATTERN.test(repo.replace(/\.git$/i, ''))) {
    // GitHub's OIDC subject names the repository without the suffix: a trust for 'owner/repo.git' never matches.
    problems.push(problem('SS-REPOSITORY', path, 'repository', repo, `a GitHub repository as 'owner/repo', without '.git' ('${repo.replace(/\.git$/i, '')}')`));
  } else if (repo !== undefined && (!REPOSITORY_PATTERN.test(repo) || /\/\.{1,2}$/.test(repo))) {
    problems.push(problem('SS-REPOSITORY', path, 'repository', repo, "a GitHub repository as 'owner/repo', for example 'acme/node-api'"));
  }
  for (const account of options.existingOidcProviderAccounts ?? []) {
    if (!/^\d{12}$/.test(account)) problems.push(problem('SS-REPOSITORY', path, 'existingOidcProviderAccounts', account, 'a 12-digit AWS account id'));
  }
  return problems;
}
