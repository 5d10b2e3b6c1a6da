/**
 * RDS for PostgreSQL versions that new DB instances can be created with, per major version.
 *
 * Source: cfn-lint 1.51.0's data (the release the generated `iac` job pins), `cfnlint/data/schemas/extensions/
 * aws_rds_dbinstance/engine_version.json` minus `engine_version_deprecated.json`. cfn-lint builds both from
 * `aws rds describe-db-engine-versions --include-all` in us-east-1 (its `scripts/update_schemas_from_aws_api.py`):
 * a version whose `Status` is `deprecated` is listed as deprecated (rule W3691), and for `postgres` the major
 * version of every deprecated minor is listed too. So once any 17.x is deprecated, the major alone, `'17'`,
 * is flagged (W3691), although RDS would pick a current minor for it: a template names a minor version.
 *
 * test/database.test.ts checks this table against the installed cfn-lint's data when cfn-lint is on PATH.
 * To move to a newer minor version, pass it as `postgresVersion` (any version listed here), or update this
 * table from a newer cfn-lint release together with the release pinned in src/validators/cfnlint.ts.
 */
export const POSTGRES_MINOR_VERSIONS = {
  15: ['15.10', '15.12', '15.13', '15.14', '15.15', '15.16', '15.17'],
  16: ['16.6', '16.8', '16.9', '16.10', '16.11', '16.12', '16.13'],
  17: ['17.2', '17.4', '17.5', '17.6', '17.7', '17.8', '17.9'],
} as const;

/** PostgreSQL major versions shipshape offers. */
export const POSTGRES_VERSIONS = ['15', '16', '17'] as const;
export type PostgresMajorVersion = (typeof POSTGRES_VERSIONS)[number];

/** Every minor version of {@link POSTGRES_MINOR_VERSIONS}. */
export const POSTGRES_MINOR_VERSION_LIST: readonly string[] = POSTGRES_VERSIONS.flatMap((m) => POSTGRES_MINOR_VERSIONS[m]);

/**
 * The version a template names for a `postgresVersion`: a major version resolves to its newest listed minor
 * version (the longest way from deprecation); a listed minor version is used as given.
 */
export function resolvePostgresVersion(version: string): { readonly version: string; readonly major: PostgresMajorVersion } {
  const major = version.split('.')[0] as PostgresMajorVersion;
  const minors = POSTGRES_MINOR_VERSIONS[major];
  return { version: version.includes('.') ? version : minors[minors.length - 1], major };
}
