import { crossFindings } from './cross-artifact';
import type { Finding } from '../validators/finding';

/** A policy rule that reads generated files only, so it runs both at synthesis and in `shipshape validate`. */
export type FileRule = (files: ReadonlyArray<{ readonly name: string; readonly content: string }>) => Finding[];

/** The file-level policy rules `shipshape validate` runs: the cross-artifact rules. */
export const FILE_RULES: FileRule[] = [crossFindings];
