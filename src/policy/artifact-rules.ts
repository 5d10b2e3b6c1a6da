/**
 * Single-artifact rules over workflows and templates. Like the cross-artifact rules they read only the
 * generated files, so they guard both synthesis (escape hatches included) and `shipshape validate`
 * (hand edits included).
 */
import { parseArtifacts } from './artifacts';
import type { ArtifactFile, CrossFinding, CrossRule } from './artifacts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const workflows = (files: readonly ArtifactFile[]) => parseArtifacts(files).workflows;
const templates = (files: readonly ArtifactFile[]) => parseArtifacts(files).templates;
const jobs = (doc: Json): Array<[string, Json]> => Object.entries(doc?.jobs ?? {});

const PINNED: CrossRule = {
  id: 'SS-WF-PINNED',
  severity: 'error',
  description: 'every action is pinned to a full commit SHA',
  fix: "Pin the action in the pin table (Pipeline actionPins) and use 'owner/repo' in the step.",
  check(files) {
    const out: CrossFinding[] = [];
    for (const w of workflows(files)) {
      for (const [id, job] of jobs(w.doc)) {
        (job?.steps ?? []).forEach((step: Json, i: number) => {
          const uses = step?.uses;
          if (typeof uses !== 'string' || uses.startsWith('./') || uses.startsWith('docker://')) return;
          if (!/@[0-9a-f]{40}$/.test(uses)) out.push({ file: w.name, property: `jobs.${id}.steps.${i}.uses`, got: `'${uses}'`, expected: "an action pinned to a 40-character commit SHA ('owner/repo@<sha>')" });
        });
      }
    }
    return out;
  },
};

const PERMISSIONS: CrossRule = {
  id: 'SS-WF-PERMISSIONS',
  severity: 'error',
  description: 'workflow permissions are empty or read-only; id-token: write only on jobs that assume an AWS role',
  fix: 'Grant permissions per job, and id-token: write only where configure-aws-credentials runs.',
  check(files) {
    const out: CrossFinding[] = [];
    for (const w of workflows(files)) {
      const top = w.doc?.permissions;
      const writes = top === 'write-all' || (top && typeof top === 'object' && Object.values(top).includes('write'));
      if (top === undefined || writes) out.push({ file: w.name, property: 'permissions', got: top === undefined ? 'none (the repository default applies)' : JSON.stringify(top), expected: '{} or read-only permissions at workflow level' });
      for (const [id, job] of jobs(w.doc)) {
        const assumes = (job?.steps ?? []).some((s: Json) => typeof s?.uses === 'string' && s.uses.startsWith('aws-actions/configure-aws-credentials@'));
        if (job?.permissions?.['id-token'] === 'write' && !assumes) {
          out.push({ file: w.name, property: `jobs.${id}.permissions.id-token`, got: "'write'", expected: 'no id-token permission on a job that assumes no AWS role' });
        }
      }
    }
    return out;
  },
};

const TIMEOUT: CrossRule = {
  id: 'SS-WF-TIMEOUT',
  severity: 'error',
  description: 'every job has a timeout',
  fix: 'Set timeoutMinutes on the job (a hung job otherwise holds a runner for 6 hours).',
  check(files) {
    return workflows(files).flatMap((w) => jobs(w.doc)
      .filter(([, job]) => job && !job.uses && job['timeout-minutes'] === undefined)
      .map(([id]) => ({ file: w.name, property: `jobs.${id}.timeout-minutes`, got: 'none', expected: 'a timeout in minutes' })));
  },
};

const PLAIN_DEPLOY: CrossRule = {
  id: 'SS-CFN-PLAIN-DEPLOY',
  severity: 'error',
  description: 'templates deploy with plain `aws cloudformation deploy`: no CDK bootstrap version, assets or CDKMetadata, at most 1 MB',
  fix: 'Build the stack with shipshape (its synthesizer drops bootstrap rules and metadata); keep file assets out of environment stacks.',
  check(files) {
    const out: CrossFinding[] = [];
    for (const t of templates(files)) {
      if (t.doc?.Parameters?.BootstrapVersion || t.doc?.Rules?.CheckBootstrapVersion) out.push({ file: t.name, property: 'Parameters.BootstrapVersion', got: 'present', expected: 'no CDK bootstrap version check' });
      const metadata = Object.entries<Json>(t.doc?.Resources ?? {}).filter(([, r]) => r?.Type === 'AWS::CDK::Metadata');
      for (const [id] of metadata) out.push({ file: t.name, property: `Resources.${id}`, got: 'AWS::CDK::Metadata', expected: 'no CDKMetadata resource' });
      if (/cdk-hnb659fds|AssetParameters/.test(JSON.stringify(t.doc))) out.push({ file: t.name, property: 'Resources', got: 'a reference to CDK assets', expected: 'no assets (they need the CDK bootstrap bucket)' });
      if (t.size > 1_000_000) out.push({ file: t.name, property: '(size)', got: `${t.size} bytes`, expected: 'at most 1,000,000 bytes, the largest template CloudFormation accepts' });
    }
    return out;
  },
};

/** Rules over one workflow or one template at a time. */
export const ARTIFACT_RULES: readonly CrossRule[] = [PINNED, PERMISSIONS, TIMEOUT, PLAIN_DEPLOY];
