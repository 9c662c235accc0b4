/**
 * appPackage/manifest.json is a template: values that differ per installation are written
 * `${{NAME}}` (the Microsoft 365 Agents Toolkit's placeholder syntax, so the file reads
 * familiar to anyone who has used it) and filled in at packaging time.
 */
import type { PackageSettings } from './package-settings.js';

const PLACEHOLDER = /\$\{\{([A-Za-z0-9_]+)\}\}/g;

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** The placeholder names a template uses, each once, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Replaces every `${{NAME}}` with its value, escaped for a JSON string (the placeholders sit
 * inside strings). A placeholder without a value is an error naming it, never left behind.
 */
export function substitutePlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  const missing = placeholdersIn(template).filter((name) => !(name in values));
  if (missing.length) throw new TemplateError(`no value for ${missing.map((n) => `\${{${n}}}`).join(', ')}`);
  return template.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(values[name]).slice(1, -1));
}

/** The values Greenlight's manifest template expects, from the packaging settings. */
export function manifestValues(settings: PackageSettings): Record<string, string> {
  return {
    MICROSOFT_APP_ID: settings.appId,
    PUBLIC_HOST: settings.publicHost,
    APP_VERSION: settings.appVersion,
  };
}

/** The manifest object: the template filled in and parsed. */
export function renderManifest(template: string, settings: PackageSettings): Record<string, unknown> {
  const json = substitutePlaceholders(template, manifestValues(settings));
  const manifest: unknown = JSON.parse(json);
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw new TemplateError('the manifest must be a JSON object');
  return manifest as Record<string, unknown>;
}
