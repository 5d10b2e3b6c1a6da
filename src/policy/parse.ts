import { parse as parseYaml } from 'yaml';

/**
 * Parsed generated files, shared by every file-based rule: one synthesis runs a dozen rules over the same
 * workflows and templates, and parsing YAML is the dominant cost of a cached run. Keyed by the text itself,
 * so an edited file is always parsed afresh; results are read-only by convention.
 */
const cache = new Map<string, unknown>();
const LIMIT = 256;

/** Parse YAML or JSON text once; throws as the parser does. */
export function parseOnce(text: string, format: 'yaml' | 'json'): unknown {
  const key = `${format}\u0000${text}`;
  if (cache.has(key)) return cache.get(key);
  const value = format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  if (cache.size >= LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}
