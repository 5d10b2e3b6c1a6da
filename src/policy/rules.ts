import { CROSS_POLICY_RULES } from './cross-artifact';
import { DOCKER_RULES } from './docker-rules';
import type { PolicyRule } from './policy';
import { PROJECT_RULES } from './project-rules';

/**
 * The registry of built-in policy rules. Each output family adds its rules
 * here (Docker, workflows, templates, cross-artifact); the Shipshape root
 * evaluates all of them after rendering and before anything is written.
 */
export const BUILTIN_RULES: PolicyRule[] = [
  ...DOCKER_RULES,
  ...CROSS_POLICY_RULES,
  ...PROJECT_RULES,
];
