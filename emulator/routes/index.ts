/**
 * Every route module of the emulator, registered in this order. Add one line per module.
 */
import type { RouteModule } from '../types.js';
import accountCenterRoutes from './account-center.js';
import applicationSettingsRoutes from './application-settings.js';
import { applicationRoutes } from './applications.js';
import captchaProviderRoutes from './captcha-provider.js';
import configRoutes from './configs.js';
import connectorRoutes from './connectors.js';
import customPhraseRoutes from './custom-phrases.js';
import customProfileFieldRoutes from './custom-profile-fields.js';
import domainRoutes from './domains.js';
import emailTemplateRoutes from './email-templates.js';
import hookRoutes from './hooks.js';
import organizationRoleRoutes from './organization-roles.js';
import organizationScopeRoutes from './organization-scopes.js';
import organizationRoutes from './organizations.js';
import { resourceRoutes } from './resources.js';
import { roleRoutes } from './roles.js';
import { samlApplicationRoutes } from './saml-applications.js';
import signInExperienceRoutes from './sign-in-experience.js';
import ssoConnectorRoutes from './sso-connectors.js';
import { userRoutes } from './users.js';

export const routeModules: RouteModule[] = [
  applicationRoutes,
  applicationSettingsRoutes,
  samlApplicationRoutes,
  resourceRoutes,
  roleRoutes,
  organizationRoutes,
  organizationRoleRoutes,
  organizationScopeRoutes,
  ssoConnectorRoutes,
  hookRoutes,
  signInExperienceRoutes,
  accountCenterRoutes,
  customPhraseRoutes,
  emailTemplateRoutes,
  domainRoutes,
  captchaProviderRoutes,
  customProfileFieldRoutes,
  configRoutes,
  connectorRoutes,
  userRoutes,
];
