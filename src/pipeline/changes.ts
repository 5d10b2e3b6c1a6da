/**
 * Per-workload change detection for a monorepo: the `changes` job compares the commit with the one before it (a push)
 * or with the base branch (a pull request) with `git diff`, and says, one output per workload, whether its directory
 * or the shared configuration changed. The checks, image, publish and deploy of a workload are conditioned on it.
 */
import { BuildContext, JobSpec, changedOutput, checkJob, checkout } from './job-spec';

/** What the changes job compares. */
export interface WorkloadPaths {
  /** The workload's name (its output is `changed-<name>`). */
  readonly name: string;
  /** Globs (repository-relative) of the workload's files: its directory and its Dockerfile. */
  readonly paths: readonly string[];
}

/**
 * Repository-root files every workload depends on: the projenrc that generates the workflows, Dockerfiles and
 * templates, projen's own files, the root package and lock files, and the workflows. A change to one of these
 * counts as a change to every workload. `Pipeline({ sharedPaths })` adds to them.
 */
export const SHARED_PATHS: readonly string[] = [
  '.projenrc.ts',
  '.projen/**',
  'package.json',
  'package-lock.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'yarn.lock',
  '.yarnrc.yml',
  '.npmrc',
  '.github/**',
];

/**
 * A glob as an anchored POSIX extended regular expression, with the usual meaning: `**` any path (a `**` segment also
 * none), `*` any name part, `?` one character (neither crosses `/`); everything else literal. A glob without a wildcard
 * that names a directory (`services/web`) matches everything under it too.
 */
export function globToEre(glob: string): string {
  const g = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let out = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const segment = (i === 0 || g[i - 1] === '/') && (i + 2 === g.length || g[i + 2] === '/');
      if (segment && g[i + 2] === '/') {
        out += '(.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else {
      out += /[\\^$.|+()[\]{}]/.test(c) ? `\\${c}` : c;
    }
  }
  const plain = !/[*?]/.test(g);
  return g === '' || g === '.' ? '^.*$' : plain ? `^${out}(/.*)?$` : `^${out}$`;
}

/** Several globs as one ERE (an alternation); a never-matching one for none. */
export function globsToEre(globs: readonly string[]): string {
  return globs.length === 0 ? '^$.' : globs.map(globToEre).join('|');
}

/**
 * The changes script. Inputs (env): `BASE`, the commit to compare with (empty, all zeros or unknown here, as on a
 * manual run, a new branch or after a force push that dropped it: every workload counts as changed); `HEAD`;
 * `DOCS`, `SHARED` (EREs); `WORKLOADS`, one `<output> <ERE>` a line. Writes `code` (anything outside the docs) and
 * each workload's output (`true`/`false`) to `$GITHUB_OUTPUT`, and a table to the job summary. Docs-only changes
 * count for nothing. Renames count for both paths (`--no-renames`), so a file moved out of a workload changes it.
 */
export const CHANGES_SCRIPT = [
  'set -euo pipefail',
  'everything=false',
  'if [ -z "${BASE:-}" ] || [ -z "${BASE//0/}" ] || ! git cat-file -e "${BASE}^{commit}" 2>/dev/null; then',
  '  echo "::notice::No earlier commit to compare with (${BASE:-none}): every workload counts as changed."',
  '  everything=true',
  '  code_files=""',
  'else',
  '  # Three dots: since the merge base, so a base branch that moved on does not count as this change.',
  '  files=$(git diff --name-only --no-renames "${BASE}...${HEAD}")',
  '  code_files=$(grep -vE -- "$DOCS" <<< "$files" | grep -v \'^$\' || true)',
  'fi',
  'shared_changed=$everything',
  'if [ -n "$code_files" ] && grep -qE -- "$SHARED" <<< "$code_files"; then shared_changed=true; fi',
  'code=$everything',
  'if [ -n "$code_files" ]; then code=true; fi',
  'echo "code=$code" >> "$GITHUB_OUTPUT"',
  '{',
  '  echo "### Changed workloads"',
  '  echo ""',
  '  echo "Compared with ${BASE:-nothing}; shared configuration changed: $shared_changed."',
  '  echo ""',
  '  echo "| workload | changed |"',
  '  echo "|---|---|"',
  '} >> "$GITHUB_STEP_SUMMARY"',
  'while read -r name pattern; do',
  '  [ -n "$name" ] || continue',
  '  changed=$shared_changed',
  '  if [ "$changed" = false ] && [ -n "$code_files" ] && grep -qE -- "$pattern" <<< "$code_files"; then changed=true; fi',
  '  echo "changed-$name=$changed" >> "$GITHUB_OUTPUT"',
  '  echo "| $name | $changed |" >> "$GITHUB_STEP_SUMMARY"',
  'done <<< "$WORKLOADS"',
].join('\n');

/**
 * `changes` with one output per workload (`changed-<name>`) and `code` (anything outside the docs), on pull
 * requests and pushes alike: a push compares with the commit before it (`github.event.before`), a pull request with
 * its base. It checks out the whole history (the base of a long-lived branch can be far back). Required by the
 * ruleset: the jobs that need it are skipped when it fails, and GitHub counts a skipped job as passed.
 */
export function workloadChangesJob(
  ctx: BuildContext, workloads: readonly WorkloadPaths[], shared: readonly string[], docs: readonly string[],
): JobSpec {
  const outputs: Record<string, string> = { code: '${{ steps.changes.outputs.code }}' };
  for (const w of workloads) outputs[changedOutput(w.name)] = `\${{ steps.changes.outputs.${changedOutput(w.name)} }}`;
  return checkJob(ctx, 'changes', {
    outputs,
    steps: [
      checkout({ 'fetch-depth': 0 }),
      {
        name: 'Detect the changed workloads',
        id: 'changes',
        env: {
          BASE: "${{ github.event_name == 'pull_request' && github.event.pull_request.base.sha || github.event.before }}",
          HEAD: '${{ github.sha }}',
          DOCS: globsToEre(docs),
          SHARED: globsToEre(shared),
          WORKLOADS: workloads.map((w) => `${w.name} ${globsToEre(w.paths)}`).join('\n'),
        },
        run: CHANGES_SCRIPT,
      },
    ],
    expectedMinutes: 1,
  });
}
