import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { CONNECTOR_FACTORIES } from '../../resources/connector-factories.generated.js';
import { type ConnectorFactoryInfo, factoryInfo } from '../../resources/connector-factory-info.js';
import { converge, expectClean, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectNoCanary, expectRefusedBeforeWrites } from './cases.js';

// Email, SMS and non-standard social connectors are one per tenant: every test starts without the ones it
// uses (on a real tenant: those this run made, recognised by the prefix in their config or target).
let t: Target;
let sie: Record<string, unknown>;
beforeAll(async () => {
  t = await startTarget();
  sie = await t.client.get('/sign-in-exp');
});
beforeEach(async () => {
  for (const c of await t.client.get<Row[]>('/connectors'))
    if (JSON.stringify([c.target, c.config]).includes(t.prefix)) await t.client.delete(`/connectors/${c.id}`);
});
afterAll(async () => {
  if (t && sie) {
    const keys = ['signUp', 'signIn', 'socialSignInConnectorTargets'];
    await t.client.patch('/sign-in-exp', Object.fromEntries(keys.map((k) => [k, sie[k]])));
  }
  await t?.cleanup();
});

type Row = { id: string; connectorId: string; type: string; target: string; config: Record<string, unknown> };
const CANARY = 'canary-connector-secret-5e1f0c';
const CANARY_2 = 'canary-connector-rotated-a92b';
const connector = (name: string, spec: Record<string, unknown>): DesiredObject => ({
  address: `Connector.${name}`,
  kind: 'Connector',
  spec,
});
const liveRows = () => t.client.get<Row[]>('/connectors');
const liveOf = async (type: string, target?: string) =>
  (await liveRows()).filter((c) => c.type === type && (target === undefined || c.target === target));

const TEMPLATES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
  usageType,
  contentType: 'text/plain',
  subject: `${usageType} code`,
  content: 'Your code is {{code}}.',
}));
const github = (secret = CANARY) => ({
  connectorId: 'github-universal',
  config: { clientId: `${t.prefix}-client`, clientSecret: secret },
});
const smtp = (pass = CANARY) => ({
  connectorId: 'simple-mail-transfer-protocol',
  config: {
    host: `smtp.${t.prefix}.example.com`,
    port: 587,
    auth: { type: 'login', user: 'mailer', pass },
    fromEmail: `no-reply@${t.prefix}.example.com`,
    templates: TEMPLATES,
  },
});
const oidcConfig = () => ({
  authorizationEndpoint: 'https://idp.example.com/authorize',
  tokenEndpoint: 'https://idp.example.com/token',
  clientId: `${t.prefix}-oidc`,
  clientSecret: CANARY,
  scope: 'openid profile email',
  idTokenVerificationConfig: { jwksUri: 'https://idp.example.com/jwks' },
});

describe('Connector', () => {
  it('a social connector with every field converges, is adopted without state, and never shows its config', async () => {
    const desired = [
      connector('github', { ...github(), config: { ...github().config, scope: 'read:user' }, syncProfile: true }),
    ];
    const plan = await planTenant(desired, { client: t.client });
    expect(plan.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['Connector.github:create']);
    expectNoCanary(plan, [CANARY]);
    const state = await expectConverges(t, desired);
    expect(JSON.stringify(state)).not.toContain(CANARY);
    const [row] = await liveOf('Social', 'github');
    expect(row).toMatchObject({ connectorId: 'github-universal', syncProfile: true, config: github().config });
    expect(state.objects['Connector.github']).toMatchObject({ id: row!.id });

    // Without any state, the tenant's GitHub connector is the one this entry stands for.
    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes).toEqual([expect.objectContaining({ action: 'noop', id: row!.id, adopted: true })]);

    // A rotated secret is an update of `config`, redacted.
    const rotated = [
      connector('github', {
        ...github(CANARY_2),
        config: { ...github(CANARY_2).config, scope: 'read:user' },
        syncProfile: true,
      }),
    ];
    const update = await planTenant(rotated, { client: t.client, prior: state });
    expect(update.changes[0]).toMatchObject({
      action: 'update',
      changes: [expect.objectContaining({ field: 'config' })],
    });
    expectNoCanary(update, [CANARY, CANARY_2]);
    await expectConverges(t, rotated, state);
    expect((await liveOf('Social', 'github'))[0]!.config.clientSecret).toBe(CANARY_2);
  });

  it('an email connector with only the required fields converges; another email factory replaces it', async () => {
    const desired = [connector('email', smtp())];
    const state = await expectConverges(t, desired);
    const [row] = await liveOf('Email');
    expect(row).toMatchObject({ connectorId: 'simple-mail-transfer-protocol', config: smtp().config });

    // Logto keeps one email connector: a different factory is a replacement, never a second one.
    const http = [
      connector('email', {
        connectorId: 'http-email',
        config: { endpoint: `https://mail.${t.prefix}.example.com/send`, authorization: `Bearer ${CANARY}` },
      }),
    ];
    const plan = await planTenant(http, { client: t.client, prior: state });
    expect(plan.changes[0]).toMatchObject({ action: 'replace' });
    expectNoCanary(plan, [CANARY]);
    const next = await expectConverges(t, http, state);
    expect((await liveOf('Email')).map((c) => c.connectorId)).toEqual(['http-email']);

    // Removed from the files and allowed: deleted.
    // (Pruning covers the kind in the whole tenant: only this test's connector is applied here.)
    const prune = await planTenant([], { client: t.client, prior: next, allowDelete: ['Connector'] });
    const ours = { ...prune, changes: prune.changes.filter((c) => c.id === next.objects['Connector.email']!.id) };
    expect(ours.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['Connector.email:delete']);
    await applyPlan(ours, { client: t.client, desired: [], prior: next });
    expect(await liveOf('Email')).toEqual([]);
  });

  it('a standard (OIDC) connector takes a target and a button; the button updates in place, a new target replaces', async () => {
    const target = `${t.prefix}-acme`;
    const spec = {
      connectorId: 'oidc',
      target,
      displayName: 'Acme SSO',
      logo: 'https://acme.example.com/logo.png',
      config: { ...oidcConfig(), authRequestOptionalConfig: {}, customConfig: {} },
    };
    const state = await expectConverges(t, [connector('acme', spec)]);
    const [row] = await liveOf('Social', target);
    expect(row).toMatchObject({ connectorId: 'oidc', target, name: { en: 'Acme SSO' } });
    // Logto drops the empty objects; so does the comparison (the plan above was clean).
    expect(row!.config).toEqual(oidcConfig());

    const renamed = { ...spec, displayName: 'Acme Login', logoDark: 'https://acme.example.com/logo-dark.png' };
    const update = await planTenant([connector('acme', renamed)], { client: t.client, prior: state });
    expect(update.changes[0]).toMatchObject({ action: 'update' });
    expect(update.changes[0]!.changes.map((c) => c.field).sort()).toEqual(['displayName', 'logoDark']);
    const next = await expectConverges(t, [connector('acme', renamed)], state);
    expect((await liveOf('Social', target))[0]).toMatchObject({
      name: { en: 'Acme Login' },
      logo: 'https://acme.example.com/logo.png',
      logoDark: 'https://acme.example.com/logo-dark.png',
    });

    const moved = { ...renamed, target: `${t.prefix}-acme2` };
    const replace = await planTenant([connector('acme', moved)], { client: t.client, prior: next });
    expect(replace.changes[0]).toMatchObject({ action: 'replace' });
    await expectConverges(t, [connector('acme', moved)], next);
    expect(await liveOf('Social', target)).toEqual([]);
    expect(await liveOf('Social', moved.target)).toHaveLength(1);
  });

  it('shows out-of-band changes as drift on exactly that field and restores them', async () => {
    const desired = [connector('github', { ...github(), syncProfile: false })];
    const { state } = await converge(t, desired);
    const id = (await liveOf('Social', 'github'))[0]!.id;
    const next = await expectDriftRestored(t, desired, state, 'Connector.github', 'config', () =>
      t.client.patch(`/connectors/${id}`, { config: { ...github().config, clientSecret: 'changed-by-hand' } }),
    );
    await expectDriftRestored(t, desired, next, 'Connector.github', 'syncProfile', () =>
      t.client.patch(`/connectors/${id}`, { syncProfile: true }),
    );
    expect((await liveOf('Social', 'github'))[0]!.config.clientSecret).toBe(CANARY);
  });

  it('refuses before any write what Logto would refuse, naming the field and the fix', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...github(), config: { clientId: 'x' } }, 'config.clientSecret', /required by the GitHub connector/],
      [
        { ...github(), config: { ...github().config, clientSceret: 'x' } },
        'config.clientSceret',
        /has no setting `clientSceret`; its settings are: clientId, clientSecret, scope/,
      ],
      [{ ...smtp(), config: { ...smtp().config, port: '587' } }, 'config.port', /must be a number/],
      [
        { ...smtp(), config: { ...smtp().config, templates: TEMPLATES.slice(1) } },
        'config.templates',
        /missing: Register/,
      ],
      [{ ...github(), target: 'gh' }, 'target', /target is always "github"; leave `target` out/],
      [{ ...github(), displayName: 'GitHub!' }, 'displayName', /only standard factories/],
      [{ ...smtp(), syncProfile: true }, 'syncProfile', /only social connectors have `syncProfile`/],
      [{ connectorId: 'oidc', config: oidcConfig() }, 'target', /needs a target/],
      [
        { connectorId: 'saml', target: 'x', config: { entityID: 'e' } },
        'config.x509Certificate',
        /required by the SAML connector/,
      ],
    ];
    for (const [spec, field, message] of cases) {
      const error = await expectRefusedBeforeWrites(t, [connector('c', spec)]);
      expect(error.issues).toContainEqual(
        expect.objectContaining({ address: 'Connector.c', field, message: expect.stringMatching(message) }),
      );
      expect(JSON.stringify(error.issues)).not.toContain(CANARY);
    }
    // Two email connectors in one configuration: Logto keeps one.
    const two = await expectRefusedBeforeWrites(t, [
      connector('a', smtp()),
      connector('b', { connectorId: 'http-email', config: { endpoint: 'https://m.example.com' } }),
    ]);
    expect(two.issues).toContainEqual(
      expect.objectContaining({ address: 'Connector.b', message: expect.stringMatching(/one email connector/) }),
    );
    // A factory the tenant does not offer: refused at plan time, listing what it offers.
    const unknown = await expectRefusedBeforeWrites(t, [connector('c', { connectorId: 'nosuch-factory', config: {} })]);
    expect(unknown.issues).toEqual([
      expect.objectContaining({
        field: 'connectorId',
        message: expect.stringMatching(
          /offers no connector factory "nosuch-factory"; it offers .*github-universal \(GitHub, Social\)/,
        ),
      }),
    ]);
  });
});

describe('the factories the provider checks offline', () => {
  it('are what the tenant offers: ids, types, targets, config fields, and the fields its guards require', async () => {
    const offered = new Map(
      (await t.client.get<Record<string, unknown>[]>('/connector-factories')).map((row) => [row.id, factoryInfo(row)]),
    );
    for (const known of CONNECTOR_FACTORIES) {
      const live = offered.get(known.id);
      expect(live, `${known.id} is offered`).toBeDefined();
      const shape = (f: ConnectorFactoryInfo) => ({
        ...f,
        fields: f.fields.map(({ required: _, ...field }) => field),
      });
      expect(shape(live!)).toEqual(shape(known));
      // What the guard requires: an empty config is refused, before anything is written, naming exactly those.
      const metadata = known.isStandard ? { metadata: { target: `${t.prefix}probe` } } : {};
      const refused = await t.client
        .post('/connectors', { connectorId: known.id, config: {}, ...metadata })
        .catch((e: { status: number; data?: { issues?: { path: string[] }[] } }) => e);
      expect(refused).toMatchObject({ status: 400, code: 'connector.invalid_config' });
      const paths = (refused as { data: { issues: { path: string[] }[] } }).data.issues.map((i) => i.path.join('.'));
      const required = known.fields.filter((f) => f.required && !f.when).map((f) => f.key);
      expect(paths.sort(), known.id).toEqual(required.sort());
    }
  });
});

describe('Sign-in experience with the connectors it needs', () => {
  const signIn = {
    methods: [
      { identifier: 'email', password: false, verificationCode: true, isPasswordPrimary: false },
      { identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true },
    ],
  };
  const experience = (spec: Record<string, unknown>): DesiredObject => ({
    address: 'SignInExperience.main',
    kind: 'SignInExperience',
    spec,
  });
  const passwordless = {
    signUpIdentifiers: ['email'],
    signUpPassword: false,
    signUpVerify: true,
    signIn,
    socialSignInConnectorTargets: ['github'],
  };

  it('passwordless email sign-up and GitHub sign-in apply in one run, connectors first', async () => {
    const desired = [experience(passwordless), connector('github', github()), connector('email', smtp())];
    const plan = await planTenant(desired, { client: t.client });
    const sieChange = plan.changes.find((c) => c.kind === 'SignInExperience')!;
    expect(sieChange.dependsOn.sort()).toEqual(['Connector.email', 'Connector.github']);
    await expectConverges(t, desired);
    const live = await t.client.get<Record<string, any>>('/sign-in-exp');
    expect(live.signUp).toMatchObject({ identifiers: ['email'], password: false, verify: true });
    expect(live.socialSignInConnectorTargets).toEqual(['github']);
  });

  it('refuses, before any write and with Logto’s reason, methods whose connector neither exists nor is configured', async () => {
    await t.client.patch('/sign-in-exp', {
      signUp: { identifiers: ['username'], password: true, verify: false },
      signIn: {
        methods: [{ identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true }],
      },
      socialSignInConnectorTargets: [],
    });
    for (const c of await liveRows()) if (c.type === 'Email') await t.client.delete(`/connectors/${c.id}`);
    const error = await expectRefusedBeforeWrites(t, [experience(passwordless)]);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'signUpIdentifiers',
          message: expect.stringMatching(/sign-up by email needs an email connector .*enabled_connector_not_found/),
        }),
        expect.objectContaining({ field: 'socialSignInConnectorTargets' }),
      ]),
    );
    const unverified = await expectRefusedBeforeWrites(t, [
      experience({ ...passwordless, signUpVerify: false }),
      connector('email', smtp()),
      connector('github', github()),
    ]);
    expect(unverified.issues.map((i) => i.field)).toContain('signUpVerify');
    const noCode = await expectRefusedBeforeWrites(t, [
      experience({
        ...passwordless,
        signIn: { methods: [{ ...signIn.methods[0], verificationCode: false, password: true }] },
      }),
      connector('email', smtp()),
      connector('github', github()),
    ]);
    expect(noCode.issues).toEqual([
      expect.objectContaining({ field: 'signIn', message: expect.stringMatching(/code_sign_in_must_be_enabled/) }),
    ]);
    if (t.emulator) expect(writes(t)).toEqual({});
    await expectClean(t, []);
  });
});
