/**
 * The reconciler: plan · apply · drift, and the single-object operations Terraform and Pulumi use.
 * Knows nothing of any front end. Data shapes live in `types.ts`.
 */
export { applyPlan } from './apply.js';
export { diffObject, normalizeSpec, type ObjectDiff } from './diff.js';
export { AmbiguousKeyError, PartialCreateError, type SpecIssue, SpecValidationError } from './errors.js';
export { isRef } from './graph.js';
export { type IdentityKey, identityKey } from './identity.js';
export { CreateJournal } from './journal.js';
export {
  type CreateReport,
  checkLive,
  createContext,
  createObject,
  createObjectWithReport,
  deleteObject,
  findObjectByKey,
  lookupObject,
  parseImportId,
  readObject,
  updateObject,
  type ValidationResult,
  validateSpec,
} from './objects.js';
export { planTenant } from './plan.js';
export { validateDesired } from './prepare.js';
export {
  digestSecret,
  hashSecrets,
  isDigest,
  matchesDigest,
  redactSecrets,
  versionField,
  versionFields,
} from './secrets.js';
export * from './types.js';
