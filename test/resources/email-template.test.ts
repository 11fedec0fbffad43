import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean } from '../support/harness.js';
import { prefixedLanguageTag, startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

type Row = { id: string; languageTag: string; templateType: string; details: Record<string, string> };

/** This run's tag for `tag` (templates are keyed by language and type, so each run has languages of its own). */
const lang = (tag: string) => prefixedLanguageTag(t.prefix, tag);
const template = (handle: string, spec: Record<string, unknown>): DesiredObject => ({
  address: `EmailTemplate.${handle}`,
  kind: 'EmailTemplate',
  spec: { ...spec, languageTag: lang(String(spec.languageTag ?? 'en')) },
});
const rowsOf = async (tag: string) =>
  (await t.client.get<Row[]>('/email-templates')).filter((r) => r.languageTag === lang(tag));

describe('EmailTemplate', () => {
  it('converges with all fields and with only the required ones, adopting by language and type', async () => {
    const desired = [
      template('sign-in', {
        templateType: 'SignIn',
        subject: 'Your sign-in code is {{code}}',
        content: '<p>Use {{code}} to sign in.</p>',
        contentType: 'text/html',
        replyTo: 'Acme Support',
        sendFrom: 'Acme',
      }),
      template('register', { templateType: 'Register', subject: 'Welcome', content: 'Your code: {{code}}' }),
    ];
    await expectConverges(t, desired);
    const rows = await rowsOf('en');
    expect(rows.map((r) => r.templateType).sort()).toEqual(['Register', 'SignIn']);
    expect(rows.find((r) => r.templateType === 'SignIn')?.details).toEqual({
      subject: 'Your sign-in code is {{code}}',
      content: '<p>Use {{code}} to sign in.</p>',
      contentType: 'text/html',
      replyTo: 'Acme Support',
      sendFrom: 'Acme',
    });
    // Language and type are Logto's key: without state, the same desired set adopts and plans nothing.
    const plan = await expectClean(t, desired);
    expect(plan.changes.every((c) => c.adopted)).toBe(true);
  });

  it('shows an out-of-band subject change as drift and restores it, keeping the rest of the details', async () => {
    const desired = [
      template('forgot', {
        languageTag: 'fr',
        templateType: 'ForgotPassword',
        subject: 'Mot de passe',
        content: 'Code : {{code}}',
      }),
    ];
    const { state } = await converge(t, desired);
    const [row] = await rowsOf('fr');
    await expectDriftRestored(t, desired, state, 'EmailTemplate.forgot', 'subject', () =>
      t.client.patch(`/email-templates/${row!.id}/details`, { subject: 'Changed by hand', sendFrom: 'Unmanaged' }),
    );
    const [after] = await rowsOf('fr');
    expect(after).toMatchObject({
      id: row!.id,
      details: { subject: 'Mot de passe', content: 'Code : {{code}}', sendFrom: 'Unmanaged' },
    });
  });

  it('changes details in place; a new template type replaces the template', async () => {
    const first = [template('generic', { languageTag: 'de', templateType: 'Generic', subject: 'A', content: 'B' })];
    const { state } = await converge(t, first);
    const [before] = await rowsOf('de');
    const edited = [
      template('generic', {
        languageTag: 'de',
        templateType: 'Generic',
        subject: 'A2',
        content: 'B',
        contentType: 'text/plain',
      }),
    ];
    const update = await planTenant(edited, { client: t.client, prior: state });
    expect(update.changes[0]).toMatchObject({ action: 'update' });
    const { state: next } = await converge(t, edited, state);
    expect((await rowsOf('de'))[0]).toMatchObject({
      id: before!.id,
      details: { subject: 'A2', contentType: 'text/plain' },
    });
    await expectClean(t, edited, next);

    const retyped = [template('generic', { ...edited[0]!.spec, languageTag: 'de', templateType: 'MfaVerification' })];
    const replace = await planTenant(retyped, { client: t.client, prior: next });
    expect(replace.changes[0]).toMatchObject({ action: 'replace' });
    await applyPlan(replace, { client: t.client, desired: retyped, prior: next });
    expect((await rowsOf('de')).map((r) => r.templateType)).toEqual(['MfaVerification']);
  });

  it('rejects an invalid spec before any write, naming the object and the field', async () => {
    const ok = template('ok', { templateType: 'SignIn', subject: 'S', content: 'C' });
    const variant = (handle: string, spec: Record<string, unknown>): DesiredObject => ({
      ...ok,
      address: `EmailTemplate.${handle}`,
      spec: { ...ok.spec, ...spec },
    });
    const bad: DesiredObject[] = [
      ok,
      variant('tag', { languageTag: 'english please' }),
      variant('type', { templateType: 'Welcome' }),
      variant('subject', { templateType: 'Register', subject: '' }),
      variant('content-type', { templateType: 'Generic', contentType: 'text/xml' }),
    ];
    const error = await expectRefusedBeforeWrites(t, bad);
    expect(error.issues.map((i) => `${i.address}:${i.field}`)).toEqual([
      'EmailTemplate.tag:languageTag',
      'EmailTemplate.type:templateType',
      'EmailTemplate.subject:subject',
      'EmailTemplate.content-type:contentType',
    ]);
    expect(error.issues[0]!.message).toMatch(/BCP 47 language tag such as `en`/);
    expect(error.issues[2]!.message).toMatch(/an email needs a subject/);
  });
});
