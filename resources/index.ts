/** The catalog: every resource type, in dependency-friendly order. Front ends iterate this list. */

import type { ResourceDefinition } from '../core/contract.js';
import { AccountCenter } from './account-center.js';
import { ApiResource } from './api-resource.js';
import { ApiResourceScope } from './api-resource-scope.js';
import { Application } from './application.js';
import { ApplicationRoleAssignment } from './application-role-assignment.js';
import { ApplicationSecret } from './application-secret.js';
import { ApplicationSignInExperience } from './application-sign-in-experience.js';
import { ApplicationUserConsentScopes } from './application-user-consent-scopes.js';
import { CaptchaProvider } from './captcha-provider.js';
import { Connector } from './connector.js';
import { CustomDomain } from './custom-domain.js';
import { CustomPhrase } from './custom-phrase.js';
import { CustomProfileField } from './custom-profile-field.js';
import { EmailTemplate } from './email-template.js';
import { Hook } from './hook.js';
import { IdTokenConfig } from './id-token-config.js';
import { JwtCustomizer } from './jwt-customizer.js';
import { OidcSessionConfig } from './oidc-session-config.js';
import { Organization } from './organization.js';
import { OrganizationApplication } from './organization-application.js';
import { OrganizationRole } from './organization-role.js';
import { OrganizationScope } from './organization-scope.js';
import { OrganizationUser } from './organization-user.js';
import { Role } from './role.js';
import { SamlApplication } from './saml-application.js';
import { SamlApplicationCertificate } from './saml-application-certificate.js';
import { SignInExperience } from './sign-in-experience.js';
import { SsoConnector } from './sso-connector.js';
import { User } from './user.js';

export const catalog: ResourceDefinition<any>[] = [
  ApiResource,
  ApiResourceScope,
  Role,
  Application,
  ApplicationSecret,
  ApplicationRoleAssignment,
  OrganizationScope,
  OrganizationRole,
  Organization,
  OrganizationApplication,
  ApplicationUserConsentScopes,
  ApplicationSignInExperience,
  SamlApplication,
  SamlApplicationCertificate,
  User,
  OrganizationUser,
  SsoConnector,
  Connector,
  Hook,
  SignInExperience,
  CustomProfileField,
  EmailTemplate,
  CustomPhrase,
  AccountCenter,
  IdTokenConfig,
  OidcSessionConfig,
  JwtCustomizer,
  CaptchaProvider,
  CustomDomain,
];

/**
 * Kinds that can be looked up (Terraform data sources, Pulumi `get*` functions): by id, by their key, or by
 * any of their fields.
 */
export const LOOKUP_KINDS = [
  'Role',
  'ApiResource',
  'Application',
  'SamlApplication',
  'OrganizationRole',
  'OrganizationScope',
  'EmailTemplate',
  'CaptchaProvider',
  'Connector',
  'CustomPhrase',
  'JwtCustomizer',
  'CustomDomain',
  'User',
];

export function getDefinition(kind: string): ResourceDefinition<any> {
  const definition = catalog.find((d) => d.kind === kind);
  if (!definition) {
    throw new Error(`Unknown resource kind "${kind}". Known kinds: ${catalog.map((d) => d.kind).join(', ')}`);
  }
  return definition;
}

export type { ResourceDefinition } from '../core/contract.js';
