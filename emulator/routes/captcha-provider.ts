/** `/captcha-provider` (singleton, docs/logto-behaviour.md#captcha-provider). */
import type { RouteModule } from '../types.js';
import { newId, noContent, notFound, ok, SINGLETONS } from '../util.js';

export interface CaptchaProvider {
  tenantId: string;
  id: string;
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

const captchaProvider: RouteModule = (r) => {
  r.route('GET', '/captcha-provider', (ctx) => {
    const current = ctx.state.singletons[SINGLETONS.captchaProvider] as CaptchaProvider | undefined;
    if (!current) throw notFound();
    return ok(current);
  });

  r.route('PUT', '/captcha-provider', (ctx) => {
    const { config } = ctx.body as { config: Record<string, unknown> };
    const previous = ctx.state.singletons[SINGLETONS.captchaProvider] as CaptchaProvider | undefined;
    const now = Date.now();
    const next: CaptchaProvider = {
      tenantId: 'default',
      id: previous?.id ?? newId(),
      config,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    ctx.state.singletons[SINGLETONS.captchaProvider] = next;
    return ok(next);
  });

  r.route('DELETE', '/captcha-provider', (ctx) => {
    delete ctx.state.singletons[SINGLETONS.captchaProvider];
    return noContent();
  });
};

export default captchaProvider;
