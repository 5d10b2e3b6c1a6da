import { z } from 'zod';
import type { AuditTrailModel } from './model';
import { Problem } from '../core/errors';
import { zodProblems } from '../core/schema';

/** The account's audit trail, created by each bootstrap stack (`Shipshape.configure(project, { auditTrail })`). */
export interface AuditTrailOptions {
  /**
   * Days the trail's log files are kept in the audit bucket before they expire.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * S3 Object Lock on the audit bucket: every log file is write-once for `retentionDays`. 'governance' lets a
   * principal with s3:BypassGovernanceRetention delete early; 'compliance' lets nobody, not even the root user.
   * Object Lock can only be turned on when the bucket is created.
   * @default - no Object Lock (the bucket policy still denies deletes)
   */
  readonly objectLock?: 'governance' | 'compliance';
  /**
   * Accounts whose activity another trail already records (an AWS Organizations trail, for example): their
   * bootstrap stack creates no trail.
   * @default []
   */
  readonly existingTrailAccounts?: readonly string[];
}

const schema = z.strictObject({
  retentionDays: z.number().int({ message: 'a whole number of days from 1 to 36500' }).min(1).max(36500).default(365),
  objectLock: z.enum(['governance', 'compliance']).optional(),
  existingTrailAccounts: z.array(z.string().regex(/^\d{12}$/, { message: 'a 12-digit AWS account id' })).default([]),
});

/** The option parsed (defaults filled), or its problems. */
export function parseAuditTrail(projectName: string, options: unknown): { readonly model?: AuditTrailModel; readonly problems: Problem[] } {
  const result = schema.safeParse(options ?? {});
  if (result.success) return { model: result.data, problems: [] };
  const problems = zodProblems(result.error, options, `${projectName}/Shipshape`, 'SS-AUDIT-TRAIL', schema)
    .map((p) => ({ ...p, code: 'SS-AUDIT-TRAIL', property: `auditTrail.${p.property}` }));
  return { problems };
}
