import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectNoCanary, expectRefusedBeforeWrites } from './cases.js';

// The captcha provider is one per tenant: these tests configure it and leave the tenant without one.
let t: Target;
beforeAll(async () => {
  t = await startTarget();
  await t.client.delete('/captcha-provider');
});
afterAll(async () => {
  await t?.client.delete('/captcha-provider').catch(() => {});
  await t?.cleanup();
});

const CANARY = 'canary-captcha-secret-3c9e1a';
const CANARY_2 = 'canary-captcha-secret-rotated-b7d4';

type Row = { config: Record<string, unknown> };
const live = () => t.client.get<Row>('/captcha-provider');
const captcha = (spec: Record<string, unknown>): DesiredObject => ({
  address: 'CaptchaProvider.default',
  kind: 'CaptchaProvider',
  spec,
});

describe('CaptchaProvider', () => {
  it('is configured from nothing, converges, and never shows the secret key', async () => {
    const desired = [captcha({ type: 'Turnstile', siteKey: '0x4AAAAAAA-site', secretKey: CANARY })];
    const first = await planTenant(desired, { client: t.client });
    expect(first.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['CaptchaProvider.default:create']);
    expectNoCanary(first, [CANARY]);
    const state = await expectConverges(t, desired);
    expect(JSON.stringify(state)).not.toContain(CANARY);
    expect((await live()).config).toEqual({ type: 'Turnstile', siteKey: '0x4AAAAAAA-site', secretKey: CANARY });

    // A rotated secret is an update of that field, still redacted.
    const rotated = [captcha({ type: 'Turnstile', siteKey: '0x4AAAAAAA-site', secretKey: CANARY_2 })];
    const plan = await planTenant(rotated, { client: t.client, prior: state });
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      changes: [expect.objectContaining({ field: 'secretKey' })],
    });
    expectNoCanary(plan, [CANARY, CANARY_2]);
    await expectConverges(t, rotated, state);
    expect((await live()).config.secretKey).toBe(CANARY_2);
  });

  it('switches provider in place with every field, and drops the other provider’s settings when switching back', async () => {
    const recaptcha = [
      captcha({
        type: 'RecaptchaEnterprise',
        siteKey: '6Lc-site',
        secretKey: CANARY,
        projectId: 'acme-prod',
        domain: 'recaptcha.net',
        mode: 'checkbox',
      }),
    ];
    const state = await expectConverges(t, recaptcha);
    expect((await live()).config).toMatchObject({
      type: 'RecaptchaEnterprise',
      projectId: 'acme-prod',
      mode: 'checkbox',
    });
    const turnstile = [captcha({ type: 'Turnstile', siteKey: '0x4-site', secretKey: CANARY })];
    const plan = await planTenant(turnstile, { client: t.client, prior: state });
    expect(plan.changes[0]).toMatchObject({ action: 'update' });
    await expectConverges(t, turnstile, state);
    expect((await live()).config).toEqual({ type: 'Turnstile', siteKey: '0x4-site', secretKey: CANARY });
  });

  it('shows an out-of-band change as drift on exactly that field and restores it', async () => {
    const desired = [captcha({ type: 'Turnstile', siteKey: 'site-a', secretKey: CANARY })];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'CaptchaProvider.default', 'siteKey', () =>
      t.client.put('/captcha-provider', { config: { type: 'Turnstile', siteKey: 'by-hand', secretKey: CANARY } }),
    );
    const next = await expectDriftRestored(t, desired, state, 'CaptchaProvider.default', 'secretKey', () =>
      t.client.put('/captcha-provider', { config: { type: 'Turnstile', siteKey: 'site-a', secretKey: 'by-hand' } }),
    );
    expect((await live()).config.secretKey).toBe(CANARY);

    // Removed by hand: the next plan configures it again.
    await t.client.delete('/captcha-provider');
    const again = await planTenant(desired, { client: t.client, prior: next });
    expect(again.changes.map((c) => c.action)).toEqual(['create']);
    await expectConverges(t, desired, next);
  });

  it('is removed only where the kind may be deleted, and then really removed', async () => {
    const desired = [captcha({ type: 'Turnstile', siteKey: 'site-b', secretKey: CANARY })];
    const { state } = await converge(t, desired);
    expect((await planTenant([], { client: t.client, prior: state })).changes).toEqual([]);
    const prune = await planTenant([], { client: t.client, prior: state, allowDelete: ['CaptchaProvider'] });
    expect(prune.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['CaptchaProvider.default:delete']);
    const result = await applyPlan(prune, { client: t.client, desired: [], prior: state });
    expect(result.summary.deleted).toBe(1);
    await expect(live()).rejects.toMatchObject({ status: 404 });
    await expectClean(t, []);
  });

  it('rejects an invalid spec before any write, naming the field and the fix', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      captcha({ type: 'RecaptchaEnterprise', siteKey: 's', secretKey: CANARY, mode: 'invisible' }),
    ]);
    expect(error.issues).toEqual([
      expect.objectContaining({
        address: 'CaptchaProvider.default',
        field: 'projectId',
        message: expect.stringMatching(/needs the Google Cloud `projectId`/),
      }),
    ]);
    const turnstile = await expectRefusedBeforeWrites(t, [
      captcha({ type: 'Turnstile', siteKey: 's', secretKey: CANARY, mode: 'checkbox' }),
    ]);
    expect(turnstile.issues).toEqual([
      expect.objectContaining({
        field: 'mode',
        message: expect.stringMatching(/reCAPTCHA Enterprise setting; Turnstile has none/),
      }),
    ]);
    const type = await expectRefusedBeforeWrites(t, [captcha({ type: 'hCaptcha', siteKey: 's', secretKey: CANARY })]);
    expect(type.issues.map((i) => i.field)).toEqual(['type']);
    for (const e of [error, turnstile, type]) expect(JSON.stringify(e.issues)).not.toContain(CANARY);
  });
});
