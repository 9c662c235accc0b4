/**
 * Validates a Teams app package offline: the manifest against Microsoft's JSON schema for
 * its version, as shipped in @microsoft/app-manifest (a devDependency), and the package's
 * contents against rules the schema cannot state (icons present and the right size, one bot
 * id throughout, bare host names in validDomains). Each problem names the field it is about.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';

export interface ManifestProblem {
  /** where, as a property path: `bots[0].commandLists[1].commands[2].title`; `(manifest)` for the whole */
  field: string;
  message: string;
}

export const MANIFEST_VERSION = '1.25';

const require = createRequire(import.meta.url);
// ajv, ajv-draft-04 and ajv-formats are @microsoft/app-manifest's own dependencies, not ours:
// resolve them from where that package is, so they are found whether npm hoisted them or not.
const appManifestRoot = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
const fromAppManifest = createRequire(path.join(appManifestRoot, 'package.json'));

/** Path of the Teams manifest schema for `version` (e.g. "1.25") inside @microsoft/app-manifest. */
export function manifestSchemaPath(version = MANIFEST_VERSION): string {
  return path.join(appManifestRoot, 'build', 'json-schemas', 'teams', `v${version}`, 'MicrosoftTeams.schema.json');
}

const validators = new Map<string, ValidateFunction>();

function schemaValidator(version: string): ValidateFunction {
  const cached = validators.get(version);
  if (cached) return cached;
  // Some of Microsoft's schemas write \a and \v in regex patterns, which JavaScript's unicode
  // regexes reject; @microsoft/app-manifest rewrites them the same way before compiling.
  const text = readFileSync(manifestSchemaPath(version), 'utf8').replace(/\\\\a/g, '\\\\x07').replace(/\\\\v/g, '\\\\x0b');
  const schema = JSON.parse(text) as { $schema?: string };
  // The Teams schemas declare draft-04 (`id`, boolean exclusiveMaximum), which ajv 8 only
  // reads through ajv-draft-04; a 2020-12 schema would need ajv/dist/2020 instead.
  if (!schema.$schema?.includes('draft-04')) throw new Error(`expected a draft-04 schema for Teams ${version}, found ${schema.$schema}`);
  const Ajv04 = (fromAppManifest('ajv-draft-04') as typeof import('ajv-draft-04')).default;
  const addFormats = (fromAppManifest('ajv-formats') as typeof import('ajv-formats')).default;
  // strictTypes off: Microsoft's schema leaves `type` implicit in places (e.g. a root-level
  // additionalProperties), which strict mode would print a warning for on every run.
  const ajv = new Ajv04({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  validators.set(version, validate);
  return validate;
}

/** `/bots/0/commandLists/1` → `bots[0].commandLists[1]` */
export function fieldOf(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(manifest)';
}

const FRIENDLY_PATTERNS: Record<string, string> = {
  '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$': 'must be a GUID like 00000000-0000-0000-0000-000000000000',
  '^#[0-9a-fA-F]{6}$': 'must be a colour like #1F7A3D',
  '^[Hh][Tt][Tt][Pp][Ss]?://': 'must be a URL starting with https://',
};

function describe(error: ErrorObject, value: unknown): ManifestProblem {
  const p = error.params as Record<string, unknown>;
  const show = (v: unknown) => JSON.stringify(v);
  switch (error.keyword) {
    case 'required':
      return { field: fieldOf(error.instancePath, String(p.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return {
        field: fieldOf(error.instancePath, String(p.additionalProperty)),
        message: `is not a property the ${MANIFEST_VERSION} schema allows here`,
      };
    case 'enum':
      return {
        field: fieldOf(error.instancePath),
        message: `must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')} (got ${show(value)})`,
      };
    case 'const':
      return { field: fieldOf(error.instancePath), message: `must be ${show(p.allowedValue)} (got ${show(value)})` };
    case 'maxLength':
      return { field: fieldOf(error.instancePath), message: `must be at most ${p.limit} characters (it has ${String(value).length})` };
    case 'maxItems':
      return { field: fieldOf(error.instancePath), message: `must have at most ${p.limit} items (it has ${(value as unknown[]).length})` };
    case 'pattern':
      return {
        field: fieldOf(error.instancePath),
        message: `${FRIENDLY_PATTERNS[String(p.pattern)] ?? `must match ${p.pattern}`} (got ${show(value)})`,
      };
    default:
      return { field: fieldOf(error.instancePath), message: error.message ?? error.keyword };
  }
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root;
  for (const part of instancePath.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** Problems with `manifest` against the JSON schema of MANIFEST_VERSION; none means valid. */
export function validateAgainstSchema(manifest: unknown, version = MANIFEST_VERSION): ManifestProblem[] {
  const validate = schemaValidator(version);
  if (validate(manifest)) return [];
  const seen = new Set<string>();
  const problems: ManifestProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = describe(error, valueAt(manifest, error.instancePath));
    const key = `${problem.field}\n${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// Rules for the package as a whole

/** Icon sizes from "Teams app package" → "App icons". */
const ICON_RULES: Record<string, { size: number; alpha: boolean; what: string }> = {
  color: { size: 192, alpha: false, what: 'the colour icon' },
  outline: { size: 32, alpha: true, what: 'the outline icon (white on transparent)' },
  color32x32: { size: 32, alpha: true, what: 'the 32×32 colour icon (transparent background)' },
};

function pngHeader(bytes: Uint8Array): { width: number; height: number; colourType: number } | undefined {
  const png = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 33 || !signature.every((b, i) => png[i] === b) || png.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colourType: png[25]! };
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function leftoverPlaceholders(value: unknown, at: string, out: ManifestProblem[]): void {
  if (typeof value === 'string') {
    const m = /\$\{\{[^}]*\}\}/.exec(value);
    if (m) out.push({ field: at || '(manifest)', message: `still holds the placeholder ${m[0]}; package with npm run teams:package` });
  } else if (Array.isArray(value)) value.forEach((v, i) => leftoverPlaceholders(v, `${at}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leftoverPlaceholders(v, at ? `${at}.${k}` : k, out);
  }
}

/**
 * Problems the schema cannot see: `files` is what goes into the zip beside manifest.json
 * (file name → bytes).
 */
export function checkPackageContents(manifest: unknown, files: ReadonlyMap<string, Uint8Array>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const m = asRecord(manifest);
  leftoverPlaceholders(manifest, '', problems);

  for (const [key, rule] of Object.entries(ICON_RULES)) {
    const file = asRecord(m.icons)[key];
    if (typeof file !== 'string') continue; // a missing required icon is the schema's to report
    const field = `icons.${key}`;
    const bytes = files.get(file);
    if (!bytes) {
      problems.push({ field, message: `${file} is not in the package (${rule.what} must be a file beside manifest.json)` });
      continue;
    }
    const header = pngHeader(bytes);
    if (!header) problems.push({ field, message: `${file} is not a PNG` });
    else {
      if (header.width !== rule.size || header.height !== rule.size) {
        problems.push({ field, message: `${file} must be ${rule.size}×${rule.size} pixels (it is ${header.width}×${header.height})` });
      }
      // Colour types 4 and 6 carry alpha; a tRNS chunk could too, but we write type 6.
      if (rule.alpha && header.colourType !== 4 && header.colourType !== 6) {
        problems.push({ field, message: `${file} must have an alpha channel (${rule.what})` });
      }
    }
  }

  const bot = asRecord(asArray(m.bots)[0]);
  const botScopes = new Set(asArray(bot.scopes));
  asArray(bot.commandLists).forEach((list, i) => {
    const l = asRecord(list);
    for (const scope of asArray(l.scopes)) {
      if (!botScopes.has(scope))
        problems.push({ field: `bots[0].commandLists[${i}].scopes`, message: `${JSON.stringify(scope)} is not one of the bot's scopes` });
    }
    const titles = new Set<unknown>();
    asArray(l.commands).forEach((command, j) => {
      const title = asRecord(command).title;
      if (titles.has(title))
        problems.push({ field: `bots[0].commandLists[${i}].commands[${j}].title`, message: `${JSON.stringify(title)} is listed twice` });
      titles.add(title);
    });
  });

  asArray(m.composeExtensions).forEach((extension, i) => {
    const e = asRecord(extension);
    if (e.botId !== undefined && bot.botId !== undefined && e.botId !== bot.botId) {
      problems.push({
        field: `composeExtensions[${i}].botId`,
        message: "must be the bot's id (bots[0].botId), or the message extension's invokes go to another bot",
      });
    }
    asArray(e.commands).forEach((command, j) => {
      const id = asRecord(command).id;
      // Greenlight's rule, not a documented Teams one: the bot routes on commandId verbatim.
      if (typeof id === 'string' && !/^[A-Za-z0-9_-]+$/.test(id)) {
        problems.push({
          field: `composeExtensions[${i}].commands[${j}].id`,
          message: `${JSON.stringify(id)} must be letters, digits, "-" or "_" only`,
        });
      }
    });
  });

  asArray(m.validDomains).forEach((domain, i) => {
    if (typeof domain === 'string' && !/^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/.test(domain)) {
      problems.push({ field: `validDomains[${i}]`, message: `${JSON.stringify(domain)} must be a host name, without https:// or a path` });
    }
  });
  return problems;
}

/** Everything: the schema, then the package rules. */
export function validateAppPackage(manifest: unknown, files: ReadonlyMap<string, Uint8Array>): ManifestProblem[] {
  return [...validateAgainstSchema(manifest), ...checkPackageContents(manifest, files)];
}

/** One line a problem, for a terminal. */
export function describeProblems(problems: readonly ManifestProblem[]): string {
  return problems.map((p) => `  ${p.field}: ${p.message}`).join('\n');
}
