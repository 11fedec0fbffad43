/**
 * Variable substitution in tenant files:
 *
 *   ${env:NAME}            the environment variable NAME (an error when unset)
 *   ${env:NAME:-fallback}  NAME, or `fallback` when NAME is unset or empty (meant for demos and defaults;
 *                          in a sensitive field `tenant-file.ts` makes it an error unless demo secrets are allowed)
 *   ${file:path}           the contents of a file, relative to the tenant file, one trailing newline removed
 *   $${                    a literal `${`
 *
 * Substitution applies to string values only (never to keys). An unresolved placeholder is an error that names
 * the file, line and field; nothing is sent to the API while any remains.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { formatPath, isPlainObject, type Path, type Problem, positionOf, type SourceFile } from './source.js';

export interface VariableUse {
  source: 'env' | 'file';
  name: string;
  file: string;
  line?: number;
  column?: number;
  field: string;
  /** The variable was unset and the `:-` fallback was used. */
  usedFallback: boolean;
  resolved: boolean;
}

export interface SubstitutionResult {
  value: unknown;
  uses: VariableUse[];
  problems: Problem[];
  /** pathKey → the string at that path contained at least one placeholder. */
  substituted: Set<string>;
}

const TOKEN = /\$\$\{|\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function containsPlaceholder(text: string): boolean {
  TOKEN.lastIndex = 0;
  for (const match of text.matchAll(TOKEN)) if (match[0] !== '$${') return true;
  return false;
}

export interface SubstituteOptions {
  /** An unset variable without a fallback keeps its placeholder text instead of being a problem. */
  keepUnset?: boolean;
}

export function substitute(
  source: SourceFile,
  env: NodeJS.ProcessEnv = process.env,
  options: SubstituteOptions = {},
): SubstitutionResult {
  const uses: VariableUse[] = [];
  const problems: Problem[] = [];
  const substituted = new Set<string>();

  const replaceIn = (text: string, path: Path): string => {
    if (!text.includes('${')) return text;
    const pos = positionOf(source, path);
    const field = formatPath(path);
    const problem = (message: string, fix: string) =>
      problems.push({
        severity: 'error',
        file: source.file,
        line: pos?.line,
        column: pos?.column,
        field,
        message,
        fix,
      });
    let any = false;
    const out = text.replace(TOKEN, (whole, body: string | undefined) => {
      if (whole === '$${') return '${';
      any = true;
      const expr = body ?? '';
      const colon = expr.indexOf(':');
      const kind = colon < 0 ? '' : expr.slice(0, colon);
      const rest = colon < 0 ? expr : expr.slice(colon + 1);
      if (kind === 'env') {
        const dash = rest.indexOf(':-');
        const name = dash < 0 ? rest : rest.slice(0, dash);
        const fallback = dash < 0 ? undefined : rest.slice(dash + 2);
        if (!ENV_NAME.test(name)) {
          problem(`"\${${expr}}" is not a valid environment variable name`, 'use letters, digits and _ only');
          return whole;
        }
        const value = env[name];
        const set = value !== undefined && value !== '';
        const use: VariableUse = {
          source: 'env',
          name,
          file: source.file,
          line: pos?.line,
          column: pos?.column,
          field,
          usedFallback: !set && fallback !== undefined,
          resolved: set || fallback !== undefined,
        };
        uses.push(use);
        if (set) return value!;
        if (fallback !== undefined) return fallback;
        if (options.keepUnset) return whole;
        problem(
          `environment variable ${name} is not set`,
          `export ${name}=… before running, or write \${env:${name}:-default} for a fallback`,
        );
        return whole;
      }
      if (kind === 'file') {
        const target = isAbsolute(rest) ? rest : resolve(source.dir, rest);
        const use: VariableUse = {
          source: 'file',
          name: rest,
          file: source.file,
          line: pos?.line,
          column: pos?.column,
          field,
          usedFallback: false,
          resolved: false,
        };
        uses.push(use);
        try {
          const content = readFileSync(target, 'utf8').replace(/\r?\n$/, '');
          use.resolved = true;
          return content;
        } catch {
          problem(`cannot read file "${rest}" (resolved to ${target})`, 'create the file or fix the path');
          return whole;
        }
      }
      problem(
        `unknown placeholder "\${${expr}}"`,
        ENV_NAME.test(expr)
          ? `write \${env:${expr}} for an environment variable`
          : 'use ${env:NAME}, ${env:NAME:-fallback} or ${file:path}; write $${ for a literal ${',
      );
      return whole;
    });
    if (any) substituted.add(JSON.stringify(path));
    return out;
  };

  const walk = (value: unknown, path: Path): unknown => {
    if (typeof value === 'string') return replaceIn(value, path);
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return value;
  };

  return { value: walk(source.value, []), uses, problems, substituted };
}
