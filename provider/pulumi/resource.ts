/**
 * Base class of every `logto.<Kind>` Pulumi resource. The per-kind classes (generated from the catalog into
 * `resources.generated.ts`) only add typed arguments and output properties; what a kind needs at run time
 * (its output names, which fields are secret) is read from the same catalog definition here.
 */
import * as pulumi from '@pulumi/pulumi';
import { getDefinition } from '../../resources/index.js';
import { providerFor } from './provider.js';

/** Type tokens are `pulumi-nodejs:dynamic/logto:<Kind>`, so policy packs can tell the kinds apart. */
export const PULUMI_MODULE = 'logto';

/** Names of a kind's secret properties: sensitive spec fields and sensitive outputs. */
export function secretPropertyNames(kind: string): string[] {
  const definition = getDefinition(kind);
  return [...new Set([...definition.sensitive, ...definition.outputs.filter((o) => o.sensitive).map((o) => o.name)])];
}

export abstract class LogtoResource extends pulumi.dynamic.Resource {
  protected constructor(kind: string, name: string, args: object, opts?: pulumi.CustomResourceOptions) {
    const definition = getDefinition(kind);
    const sensitive = new Set(definition.sensitive);
    const props: pulumi.Inputs = {};
    // Every spec field and output becomes an output property of the resource, even when not set.
    for (const field of Object.keys(definition.spec.shape)) props[field] = undefined;
    for (const output of definition.outputs) if (output.name !== 'id') props[output.name] = undefined;
    for (const [field, value] of Object.entries(args as Record<string, unknown>)) {
      if (value === undefined) continue;
      // A secret argument is stored encrypted in the state's inputs too, not only in its outputs.
      props[field] = sensitive.has(field) ? pulumi.secret(value) : value;
    }
    const secrets = secretPropertyNames(kind);
    super(
      providerFor(kind),
      name,
      props,
      { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])] },
      PULUMI_MODULE,
      kind,
    );
  }
}
