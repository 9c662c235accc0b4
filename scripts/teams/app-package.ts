/**
 * Greenlight's Teams app package: the manifest template filled in, checked offline, and
 * zipped with its icons at the root, which is the shape Teams accepts for "Upload a custom
 * app" and the Teams admin center.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { renderManifest } from './manifest-template.js';
import { describeProblems, validateAppPackage, type ManifestProblem } from './manifest-validation.js';
import type { PackageSettings } from './package-settings.js';

export const APP_PACKAGE_DIR = fileURLToPath(new URL('../../appPackage/', import.meta.url));
export const APP_PACKAGE_ZIP = path.join(APP_PACKAGE_DIR, 'build', 'greenlight-teams.zip');

export class AppPackageError extends Error {
  readonly problems: ManifestProblem[];
  constructor(problems: ManifestProblem[]) {
    super(`the Teams app package is not valid:\n${describeProblems(problems)}`);
    this.name = 'AppPackageError';
    this.problems = problems;
  }
}

export interface AppPackage {
  /** the manifest exactly as validated and zipped */
  manifest: Record<string, unknown>;
  /** the other files at the zip's root, by name */
  files: Map<string, Uint8Array>;
}

/** The icon files the manifest names, read from `dir`; a missing one is left for validation to report. */
function readIcons(manifest: Record<string, unknown>, dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const icons = manifest.icons;
  if (icons === null || typeof icons !== 'object') return files;
  for (const name of Object.values(icons)) {
    // Only plain names: the zip is flat, and a path must not reach outside appPackage/.
    if (typeof name !== 'string' || name !== path.basename(name) || files.has(name)) continue;
    try {
      files.set(name, readFileSync(path.join(dir, name)));
    } catch {
      // not there: checkPackageContents says which icon and why it matters
    }
  }
  return files;
}

/** Fills in the template in `dir` and validates the result; throws AppPackageError listing every problem. */
export function prepareAppPackage(settings: PackageSettings, dir = APP_PACKAGE_DIR): AppPackage {
  const manifest = renderManifest(readFileSync(path.join(dir, 'manifest.json'), 'utf8'), settings);
  const files = readIcons(manifest, dir);
  const problems = validateAppPackage(manifest, files);
  if (problems.length) throw new AppPackageError(problems);
  return { manifest, files };
}

// A fixed timestamp makes the zip depend only on its contents: packaging twice gives the
// same bytes, so a changed zip always means a changed app. (JSZip writes the DOS date from
// the Date's UTC fields, so this is the same in every time zone.)
const ZIP_DATE = new Date(Date.UTC(2020, 0, 1));

/** The zip Teams takes: manifest.json and the icons at the root, nothing else. */
export async function zipAppPackage(appPackage: AppPackage): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(appPackage.manifest, null, 2)}\n`, { date: ZIP_DATE });
  for (const [name, bytes] of [...appPackage.files].sort(([a], [b]) => a.localeCompare(b))) zip.file(name, bytes, { date: ZIP_DATE });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}
