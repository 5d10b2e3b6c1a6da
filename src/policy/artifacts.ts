/**
 * The generated files the cross-artifact rules read, and the shape of such a rule: a leaf of src/policy/, so that the
 * rules (artifact-rules.ts, iam-rules.ts) and the registry that lists them (cross-artifact.ts) import it, not each other.
 */
import { parseOnce } from './parse';
import type { Severity } from './policy';

/** A generated file: its path and text. */
export interface ArtifactFile {
  readonly name: string;
  readonly content: string;
}

/** One problem a cross-artifact rule found, in one file. */
export interface CrossFinding {
  readonly file: string;
  readonly property: string;
  readonly got: string;
  readonly expected: string;
}

export interface CrossRule {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
  readonly fix: string;
  check(files: readonly ArtifactFile[]): CrossFinding[];
}

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The generated files a rule can read, parsed once (src/policy/parse.ts). */
export interface Artifacts {
  readonly workflows: Array<{ name: string; doc: Json }>;
  readonly templates: Array<{ name: string; doc: Json; size: number }>;
  readonly dockerfiles: Array<{ name: string; text: string }>;
  readonly composes: Array<{ name: string; doc: Json }>;
  readonly rulesets: Array<{ name: string; doc: Json }>;
}

export function parseArtifacts(files: readonly ArtifactFile[]): Artifacts {
  const a: Artifacts = { workflows: [], templates: [], dockerfiles: [], composes: [], rulesets: [] };
  for (const f of files) {
    try {
      if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(f.name)) {a.workflows.push({ name: f.name, doc: parseOnce(f.content, 'yaml') });} else if (/\.template\.json$/.test(f.name)) {
        a.templates.push({ name: f.name, doc: parseOnce(f.content, 'json'), size: Buffer.byteLength(f.content) });
      } else if (/(^|\/)Dockerfile[^/]*$/.test(f.name)) {a.dockerfiles.push({ name: f.name, text: f.content });} else if (/(^|\/)(docker-)?compose\.ya?ml$/.test(f.name)) {a.composes.push({ name: f.name, doc: parseOnce(f.content, 'yaml') });} else if (/^\.github\/rulesets\/[^/]+\.json$/.test(f.name)) {a.rulesets.push({ name: f.name, doc: parseOnce(f.content, 'json') });}
    } catch {
      // A file that does not parse is the syntax validators' business, not these rules'.
    }
  }
  return a;
}
