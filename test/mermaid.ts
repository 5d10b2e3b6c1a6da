/** Mermaid's own parser, run in a child process (mermaid is ESM-only): test/mermaid-parse.mjs. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface MermaidResult {
  readonly ok: boolean;
  readonly diagramType?: string;
  readonly error?: string;
}

export function parseMermaid(diagrams: readonly string[]): MermaidResult[] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`mermaid-parse.mjs failed (${run.status ?? run.signal}): ${run.stderr}`);
  return JSON.parse(run.stdout) as MermaidResult[];
}

/** The ```mermaid blocks of a Markdown file. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
}
