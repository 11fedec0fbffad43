/** `/domains`: custom domains are not available in Logto OSS (facts §19). */
import { ApiError, type RouteModule } from '../types.js';
import { notExistsWithId, ok } from '../util.js';

const domains: RouteModule = (r) => {
  r.route('GET', '/domains', () => ok([]));
  r.route('POST', '/domains', () => {
    throw new ApiError(400, 'domain.not_configured', 'Domain hostname provider is not configured.');
  });
  r.route('GET', '/domains/:id', (ctx) => {
    throw notExistsWithId('domains', ctx.params.id);
  });
  // Logto asks its hostname provider to remove the domain first, so OSS answers "not configured" (measured).
  r.route('DELETE', '/domains/:id', () => {
    throw new ApiError(400, 'domain.not_configured', 'Domain hostname provider is not configured.');
  });
};

export default domains;
