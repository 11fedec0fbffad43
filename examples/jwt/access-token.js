// Extra claims for user access tokens: Logto calls getCustomJwtClaims when it issues one.
// `context.user` is the signed-in user; `environmentVariables` come from the tenant file.
// biome-ignore lint/correctness/noUnusedVariables: Logto calls the function by its name.
const getCustomJwtClaims = async ({ context, environmentVariables }) => {
  const roles = (context.user.roles ?? []).map((role) => role.name);
  return {
    shop_tier: roles.includes('store-admin') ? 'staff' : 'customer',
    support_region: environmentVariables.SUPPORT_REGION,
  };
};
