/** Loopback OIDC discovery and the example's SAML IdP settings, for tests (see conformance/idp.ts). */
import { join } from 'node:path';
import { exampleSamlConfig } from '../../conformance/idp.js';

export { type LoopbackIdp, startIdp, unreachableIssuer } from '../../conformance/idp.js';

/** A SAML connector config Logto accepts without reaching the IdP (the manual form, a public certificate). */
export function samlIdpConfig(): Record<string, unknown> {
  return exampleSamlConfig(join(import.meta.dirname, '..', '..'));
}
