/**
 * Heuristics for secret values and secret-looking names. They err on the side of
 * reporting: a false positive can be acknowledged with a reason, a leaked key cannot be taken back.
 */

const VALUE_PATTERNS: Array<[RegExp, string]> = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, 'a PEM private key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, 'a Slack token'],
  [/\bsk_live_[A-Za-z0-9]{16,}\b/, 'a Stripe secret key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/:\/\/[^\s:/@]+:[^\s@/]{3,}@/, 'a URL with a password'],
];

/** What kind of secret `value` looks like, or undefined. */
export function secretKind(value: string): string | undefined {
  for (const [re, kind] of VALUE_PATTERNS) if (re.test(value)) return kind;
  return undefined;
}

const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|APIKEY|ACCESS_KEY|SECRET_KEY|CREDENTIALS?)($|_)/i;

/** True when a variable name says it holds a secret (`DB_PASSWORD`, `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
