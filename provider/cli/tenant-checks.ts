/**
 * Steps 3 to 5 of the tenant-file analysis (see `tenant-file.ts`), offline checks of the built objects: demo
 * secrets, references, and each object against its kind's schema.
 */
import type { Ref } from '../../core/reconcile/types.js';
import type { KindLayout, TenantLayout } from './layout.js';
import { suggest } from './layout.js';
import { formatPath, isPlainObject, type Path, type Problem } from './source.js';
import { type BuiltObjects, sectionHint } from './tenant-build.js';
import type { Collector } from './tenant-read.js';
import type { VariableUse } from './variables.js';
import { issueFix, type ZodIssueLike } from './zod-messages.js';

/** A value never seen in a real id: stands in for a reference while the zod schema checks a spec. */
const REF_STANDIN = 'refplaceholder0000000';

export function isRef(value: unknown): value is Ref {
  return (
    isPlainObject(value) &&
    typeof value.$ref === 'string' &&
    Object.keys(value).every((k) => k === '$ref' || k === 'attr')
  );
}

/**
 * Step 3: a fallback in a sensitive field is a demo value in the file's text: an error unless demo secrets
 * are allowed (the embedded emulator, or --allow-demo-secrets), and then still said out loud.
 */
export function checkDemoSecrets(
  variables: VariableUse[],
  { desired, origins }: BuiltObjects,
  layout: TenantLayout,
  allowDemoSecrets: boolean | 'offline',
  out: Collector,
): void {
  for (const use of variables) {
    if (!use.usedFallback) continue;
    const sensitive = desired.some((object) => {
      const origin = origins.get(object.address);
      if (!origin || origin.source.file !== use.file) return false;
      const definition = layout.kinds.get(object.kind)!.definition;
      return (definition.sensitive ?? []).some((field) => {
        const p = origin.fields.get(field);
        return p !== undefined && use.field.startsWith(formatPath(p));
      });
    });
    if (!sensitive) continue;
    const [severity, message, fix]: [Problem['severity'], string, string] =
      allowDemoSecrets === 'offline'
        ? [
            'warning',
            `${use.name} is not set; this sensitive field falls back to the demo value written in the file, which plan and apply against a real tenant refuse`,
            `export ${use.name}=… before plan or apply (the fallback is accepted only with --emulator or --allow-demo-secrets)`,
          ]
        : allowDemoSecrets
          ? [
              'warning',
              `${use.name} is not set; the sensitive field uses the file's demo fallback value`,
              `set ${use.name} for anything but a demo`,
            ]
          : [
              'error',
              `${use.name} is not set, and this sensitive field would use the fallback written in the file`,
              `set the variable: export ${use.name}=… (a secret's fallback is accepted only against the embedded emulator, --emulator, or with --allow-demo-secrets)`,
            ];
    out.problems.push({ severity, file: use.file, line: use.line, column: use.column, field: use.field, message, fix });
  }
}

/** Step 4: references must name objects defined in the files. */
export function checkReferences({ desired, refUses }: BuiltObjects, layout: TenantLayout, out: Collector): void {
  const addresses = new Set(desired.map((d) => d.address));
  for (const use of refUses) {
    if (addresses.has(use.ref.$ref)) continue;
    const candidates = [...addresses]
      .filter((a) => a.startsWith(`${use.kind}.`))
      .map((a) => a.slice(use.kind.length + 1));
    const hint = suggest(use.value, candidates);
    const target = layout.kinds.get(use.kind);
    out.error(
      use.source,
      use.path,
      `${use.kind} "${use.value}" is not defined in the tenant files`,
      hint
        ? `did you mean "${hint}"?`
        : `define it${target ? ` under ${sectionHint(layout, target)}` : ''}, or fix the key`,
    );
  }
}

/** Step 5: the catalog's own schema, per object (references stand in as placeholders). */
export function checkSchemas({ desired, origins }: BuiltObjects, layout: TenantLayout, out: Collector): void {
  for (const object of desired) {
    const kindLayout = layout.kinds.get(object.kind)!;
    const origin = origins.get(object.address)!;
    const probe: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(object.spec)) probe[field] = standIn(value);
    const result = kindLayout.definition.spec.safeParse(probe);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const [field, ...rest] = issue.path as Path;
      const fieldPath =
        field === undefined
          ? origin.path
          : [
              ...(origin.fields.get(String(field)) ?? [...origin.path, fileFieldName(kindLayout, String(field))]),
              ...rest,
            ];
      const describe =
        field !== undefined
          ? (kindLayout.definition.spec.shape[String(field)] as { description?: string } | undefined)
          : undefined;
      // A field that is not there is "required", whatever the schema would say about a wrong value.
      const missing = valueAt(probe, issue.path as Path) === undefined;
      out.error(
        origin.source,
        fieldPath,
        `${object.address}: ${missing ? 'required, but not set' : issue.message}`,
        issueFix(
          missing
            ? { ...(issue as unknown as ZodIssueLike), code: 'invalid_type' }
            : (issue as unknown as ZodIssueLike),
          {
            description: describe?.description,
            missing,
            schema: kindLayout.definition.spec,
            path: issue.path as Path,
          },
        ),
      );
    }
  }
}

function standIn(value: unknown): unknown {
  if (isRef(value)) return REF_STANDIN;
  if (Array.isArray(value)) return value.map(standIn);
  return value;
}

function fileFieldName(kindLayout: KindLayout, field: string): string {
  for (const ref of kindLayout.refs.values()) if (ref.field === field) return ref.fileName;
  return field;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}
