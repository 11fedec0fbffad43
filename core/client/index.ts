/**
 * The Logto Management API client (`core/client`): configuration, token, retries, request budget,
 * pagination, errors and redaction. The public interface is in `types.ts`.
 */
export { backoffDelay, parseRetryAfter } from './backoff.js';
export { type BudgetSettings, type BudgetStats, budgetKey, RequestBudget, requestBudget } from './budget.js';
export {
  DEFAULTS as CLIENT_DEFAULTS,
  defaultBurst,
  defaultResource,
  type Env,
  isLoopbackHost,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './config.js';
export { ConfigError, LogtoApiError, LogtoClientError, LogtoNetworkError, LostResponseError } from './errors.js';
export { apiPath, buildQuery, createClient, HttpLogtoClient, type HttpMethod, RETRY_STATUSES } from './http.js';
export { collectPages, PAGE_SIZE, parseTotalNumber } from './pagination.js';
export { DebugLog, isSecretKey, REDACTED, redact, redactHeaders, redactText } from './redact.js';
export {
  CLIENT_SETTINGS,
  type ClientSetting,
  CONNECTION_SETTINGS,
  clientSetting,
  envValue,
  settingValue,
} from './settings.js';
export { TOKEN_REFRESH_MARGIN_MS, TokenCache, type TokenGrant } from './token.js';
export type * from './types.js';
