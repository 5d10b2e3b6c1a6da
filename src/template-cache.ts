import * as fs from 'fs';
import * as path from 'path';
import { DiskCache, SHIPSHAPE_VERSION, hashOf, packageVersion } from './core/cache';
import type { ProjectModel } from './model';

/**
 * Incremental synthesis of CloudFormation templates. The key covers shipshape's version and a fingerprint of its
 * own code, aws-cdk-lib's version, the validation setting and every part of the model that feeds a template;
 * a hit skips loading aws-cdk-lib and the CloudFormation validator altogether.
 */
export interface TemplateCacheOptions {
  /** The project's root: the cache lives in its `node_modules/.cache/shipshape`. */
  readonly projectDir?: string;
  readonly validation: boolean;
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Cache writes are queued here rather than done at once, so that a synthesis that fails later
   * (policy, hand-written files) leaves the disk untouched. The caller runs them once everything passed.
   */
  readonly deferredWrites?: Array<() => void>;
}

interface Entry {
  /** Whether the CloudFormation validator passed these templates. */
  readonly validated: boolean;
  /** Rendered template text by file path. */
  readonly files: Record<string, string>;
}

let fingerprint: string | undefined;

/** A hash of shipshape's own code (src/ or lib/), so that editing shipshape itself never serves stale output. */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = path.resolve(__dirname);
  // An installed package never changes under its version, which is already part of the key.
  if (root.split(path.sep).includes('node_modules')) return (fingerprint = 'installed');
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (/\.(ts|js|mjs|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) parts.push(`${path.relative(root, abs)}\n${fs.readFileSync(abs, 'utf8')}`);
    }
  };
  walk(root);
  fingerprint = hashOf(parts);
  return fingerprint;
}

/** The parts of the model that feed templates: everything but the workflow, Dockerfile and compose outputs. */
export function templateInputs(model: ProjectModel): unknown {
  const { pipelines: _p, images: _i, composes: _c, header: _h, ...rest } = model;
  return rest;
}

/**
 * A model is cacheable when it is plain data all the way down. Stack customizations are functions: their effect
 * cannot be hashed, so a project that uses them always rebuilds its templates rather than risk stale output.
 */
export function cacheable(model: ProjectModel): boolean {
  // Stack customizations are functions, so a model that has any is not plain data.
  return isPlainData(templateInputs(model));
}

function isPlainData(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(isPlainData);
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    return Object.values(v as object).every(isPlainData);
  }
  return false;
}

/**
 * Return the rendered templates, from the cache when nothing that feeds them changed,
 * otherwise by calling `build` (which loads aws-cdk-lib) and storing its result.
 */
export function withTemplateCache(model: ProjectModel, options: TemplateCacheOptions, build: () => Map<string, string>): Map<string, string> {
  const enabled = (options.enabled ?? true) && options.projectDir !== undefined && process.env.SHIPSHAPE_CACHE !== 'off' && cacheable(model);
  const cache = new DiskCache(options.projectDir ?? '.', 'templates', enabled);
  const key = enabled ? hashOf(SHIPSHAPE_VERSION, codeFingerprint(), packageVersion('aws-cdk-lib'), templateInputs(model)) : '';
  const hit = cache.get<Entry>(key);
  if (hit && (hit.validated || !options.validation)) return new Map(Object.entries(hit.files));
  const built = build();
  if (built.size > 0) {
    const write = () => cache.set(key, { validated: options.validation, files: Object.fromEntries(built) } satisfies Entry);
    if (options.deferredWrites) options.deferredWrites.push(write);
    else write();
  }
  return built;
}

/** What a whole synthesis produced once every check passed: its files and its (non-blocking) policy findings. */
export interface OutputEntry {
  readonly files: ReadonlyArray<{ readonly path: string; readonly source: string; readonly content: string }>;
  readonly findings: ReadonlyArray<{ readonly ruleId: string; readonly violation: unknown; readonly acknowledged?: unknown }>;
}

/**
 * The key of a whole synthesis: everything the templates' key covers, plus the full model (workflows,
 * Dockerfiles, compose, docs) and the acknowledgements. Undefined when the model holds functions.
 */
export function outputsKey(model: ProjectModel, validation: boolean, acknowledgements: unknown): string | undefined {
  // One walk of the whole model, which contains the template inputs `cacheable` checks.
  if (!isPlainData(model)) return undefined;
  return hashOf(SHIPSHAPE_VERSION, codeFingerprint(), packageVersion('aws-cdk-lib'), validation, model, acknowledgements);
}
