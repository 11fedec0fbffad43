/** `/sign-in-exp` (singleton, docs/logto-behaviour.md#sign-in-experience). */

import {
  type ConnectorType,
  enabledConnectorTypes,
  type SignInExperience,
  signInExperience,
  socialConnectorTargets,
} from '../route-state.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { emptyPatch, GuardError, ok } from '../util.js';

const IMMUTABLE = new Set(['tenantId', 'id']);

const connectorMissing = (type: ConnectorType): ApiError =>
  new ApiError(400, 'sign_in_experiences.enabled_connector_not_found', `Enabled ${type} connector is not found.`, {
    type,
  });

interface SignUp {
  identifiers: string[];
}
interface SignIn {
  methods: Array<{ identifier: string; verificationCode: boolean }>;
}

/** Identifiers that need a passwordless connector: email → Email, phone → Sms. */
function requireConnectors(ctx: RequestContext, body: { signUp?: SignUp; signIn?: SignIn }): void {
  const needed = new Set<ConnectorType>();
  const need = (identifier: string) => {
    if (identifier === 'email') needed.add('Email');
    if (identifier === 'phone') needed.add('Sms');
  };
  for (const id of body.signUp?.identifiers ?? []) need(id);
  for (const m of body.signIn?.methods ?? []) if (m.verificationCode) need(m.identifier);
  if (needed.size === 0) return;
  const available = enabledConnectorTypes(ctx);
  for (const type of ['Email', 'Sms'] as const)
    if (needed.has(type) && !available.has(type)) throw connectorMissing(type);
}

type Mfa = { factors?: unknown[]; policy?: string };
const mfaEnabled = (mfa: Mfa | undefined) => Array.isArray(mfa?.factors) && mfa.factors.length > 0;
const nonSkippable = (policy: string | undefined) =>
  policy === 'PromptAtSignInAndSignUpMandatory' || policy === 'PromptOnlyAtSignInMandatory';
const adaptiveError = (code: string, message: string) => new ApiError(422, `sign_in_experiences.${code}`, message);
const REQUIRES_NON_SKIPPABLE = adaptiveError(
  'adaptive_mfa_requires_non_skippable_policy',
  'Adaptive MFA requires a non-skippable MFA prompt policy. Use PromptOnlyAtSignInMandatory or PromptAtSignInAndSignUpMandatory.',
);
const REQUIRES_SKIPPABLE = adaptiveError(
  'non_adaptive_mfa_requires_skippable_policy',
  'When adaptive MFA is disabled, MFA prompt policy must be skippable. Do not use PromptOnlyAtSignInMandatory or PromptAtSignInAndSignUpMandatory.',
);

/**
 * Adaptive MFA and the MFA prompt policy go together (docs/logto-behaviour.md#sign-in-experience): adaptive needs MFA
 * on and a non-skippable policy; without adaptive the policy must be skippable; turning MFA off also turns adaptive
 * off.
 */
function checkAdaptiveMfa(patch: Record<string, unknown>, current: SignInExperience): void {
  const adaptive = patch.adaptiveMfa as { enabled?: boolean } | undefined;
  const mfa = patch.mfa as Mfa | undefined;
  const effective = mfa ?? (current.mfa as Mfa);
  if (adaptive?.enabled === true) {
    if (!mfaEnabled(effective))
      throw adaptiveError('adaptive_mfa_requires_mfa', 'MFA must be enabled before enabling adaptive MFA.');
    if (!nonSkippable(effective.policy)) throw REQUIRES_NON_SKIPPABLE;
  }
  if (adaptive?.enabled === false && nonSkippable(effective.policy)) throw REQUIRES_SKIPPABLE;
  if (adaptive === undefined && mfa && mfaEnabled(mfa)) {
    const currentlyAdaptive = (current.adaptiveMfa as { enabled?: boolean } | undefined)?.enabled === true;
    if (currentlyAdaptive && !nonSkippable(mfa.policy)) throw REQUIRES_NON_SKIPPABLE;
    if (!currentlyAdaptive && nonSkippable(mfa.policy)) throw REQUIRES_SKIPPABLE;
  }
  if (mfa && !mfaEnabled(mfa) && adaptive === undefined) patch.adaptiveMfa = { enabled: false };
}

function requireCompleteColor(color: unknown): void {
  if (color === undefined) return;
  const c = color as Record<string, unknown>;
  const missing = ['primaryColor', 'isDarkModeEnabled', 'darkPrimaryColor'].filter((k) => c?.[k] === undefined);
  if (missing.length > 0) {
    throw new GuardError(
      missing.map((k) => ({ code: 'invalid_type', received: 'undefined', path: ['color', k], message: 'Required' })),
    );
  }
}

const signInExperienceModule: RouteModule = (r) => {
  r.route('GET', '/sign-in-exp', (ctx) => ok(signInExperience(ctx)));

  r.route('PATCH', '/sign-in-exp', (ctx) => {
    const body = ctx.body as Record<string, unknown>;
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body ?? {})) if (!IMMUTABLE.has(k) && v !== undefined) patch[k] = v;
    if (Object.keys(patch).length === 0) throw emptyPatch();
    requireCompleteColor(patch.color);
    requireConnectors(ctx, patch as { signUp?: SignUp; signIn?: SignIn });
    // Logto keeps only the targets of social connectors the tenant has, silently
    // (docs/logto-behaviour.md#sign-in-experience).
    if (Array.isArray(patch.socialSignInConnectorTargets)) {
      const targets = socialConnectorTargets(ctx);
      patch.socialSignInConnectorTargets = patch.socialSignInConnectorTargets.filter((t) => targets.has(String(t)));
    }
    const current = signInExperience(ctx);
    checkAdaptiveMfa(patch, current);
    Object.assign(current, patch);
    return ok(current);
  });
};

export default signInExperienceModule;
