import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { AppPackageError, prepareAppPackage, zipAppPackage } from '../../../scripts/teams/app-package.js';
import { validateAppPackage } from '../../../scripts/teams/manifest-validation.js';
import { PackageSettingsError, readPackageSettings, type PackageSettingsInput } from '../../../scripts/teams/package-settings.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const APP_ID = '8f0c2a4e-1b2c-4d5e-8f90-123456789abc';
const settings = { appId: APP_ID, publicHost: 'greenlight.contoso.com', appVersion: '0.1.0' };

const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'greenlight-teams-package-'));
  temp.push(dir);
  return dir;
}
/** A copy of appPackage/ to break on purpose. */
function appPackageCopy(): string {
  const dir = tempDir();
  for (const f of ['manifest.json', 'color.png', 'outline.png']) cpSync(path.join(root, 'appPackage', f), path.join(dir, f));
  return dir;
}

function problemsOf(input: PackageSettingsInput): string[] {
  try {
    readPackageSettings(input);
  } catch (err) {
    if (err instanceof PackageSettingsError) return err.problems;
    throw err;
  }
  return [];
}

describe('packaging settings (MICROSOFT_APP_ID, PUBLIC_URL)', () => {
  it('the app id as given, the public URL reduced to its host', () => {
    expect(
      readPackageSettings({
        env: { MICROSOFT_APP_ID: ` ${APP_ID} `, PUBLIC_URL: 'https://greenlight.contoso.com/teams/' },
        appVersion: '1.2.3',
      }),
    ).toEqual({
      appId: APP_ID,
      publicHost: 'greenlight.contoso.com',
      appVersion: '1.2.3',
    });
  });

  it('a port stays in the host unless it is https’s own', () => {
    const host = (url: string) =>
      readPackageSettings({ env: { MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: url }, appVersion: '0.1.0' }).publicHost;
    expect(host('https://greenlight.contoso.com:8443')).toBe('greenlight.contoso.com:8443');
    expect(host('https://greenlight.contoso.com:443/x')).toBe('greenlight.contoso.com');
  });

  it('arguments win over the environment', () => {
    const s = readPackageSettings({
      env: { MICROSOFT_APP_ID: 'not-a-guid', PUBLIC_URL: 'http://wrong' },
      args: { appId: APP_ID, publicUrl: 'https://other.contoso.com' },
      appVersion: '0.1.0',
    });
    expect([s.appId, s.publicHost]).toEqual([APP_ID, 'other.contoso.com']);
  });

  it('missing values: one line each, naming the variable', () => {
    expect(problemsOf({ env: { MICROSOFT_APP_ID: '  ' }, appVersion: '0.1.0' })).toEqual([
      "MICROSOFT_APP_ID: required: the Azure Bot's Microsoft App ID (a GUID); set it in the environment or .env, or pass --app-id",
      "PUBLIC_URL: required: Greenlight's public https URL (Teams reaches https://<its host>/api/messages); set it, or pass --public-url",
    ]);
  });

  it('wrong values: said plainly, with what was given', () => {
    expect(
      problemsOf({
        env: { MICROSOFT_APP_ID: '8f0c2a4e1b2c4d5e8f90123456789abc', PUBLIC_URL: 'http://greenlight.contoso.com' },
        appVersion: '0.1',
      }),
    ).toEqual([
      'MICROSOFT_APP_ID: must be a GUID like 00000000-0000-0000-0000-000000000000 (got "8f0c2a4e1b2c4d5e8f90123456789abc")',
      'PUBLIC_URL: must be an https URL, e.g. https://greenlight.example.com (got "http://greenlight.contoso.com")',
      'package.json version: must be MAJOR.MINOR.PATCH for the Teams manifest (got "0.1")',
    ]);
    expect(
      problemsOf({ env: { MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: 'https://user:secret@greenlight.contoso.com' }, appVersion: '0.1.0' }),
    ).toEqual(['PUBLIC_URL: must not contain a user name or password']);
    expect(problemsOf({ env: { MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: 'greenlight.contoso.com' }, appVersion: '0.1.0' })).toHaveLength(1);
  });
});

describe('the app package', () => {
  it('zips manifest.json and the two icons at the root, nothing else, and unzips to exactly what was validated', async () => {
    const appPackage = prepareAppPackage(settings);
    const zip = await JSZip.loadAsync(await zipAppPackage(appPackage));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest).toEqual(appPackage.manifest);
    const icons = new Map<string, Uint8Array>();
    for (const name of ['color.png', 'outline.png']) {
      const bytes = await zip.file(name)!.async('nodebuffer');
      expect(bytes.equals(readFileSync(path.join(root, 'appPackage', name))), name).toBe(true);
      icons.set(name, bytes);
    }
    expect(validateAppPackage(manifest, icons)).toEqual([]);
    expect(manifest.id).toBe(APP_ID);
  });

  it('the same inputs give the same bytes', async () => {
    const a = await zipAppPackage(prepareAppPackage(settings));
    const b = await zipAppPackage(prepareAppPackage(settings));
    expect(a.equals(b)).toBe(true);
  });

  it('a broken package is refused with every problem by field, and nothing to zip', () => {
    const dir = appPackageCopy();
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.composeExtensions[0].commands[0].id = 'draft post';
    manifest.bots[0].scopes.push('meetings');
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    rmSync(path.join(dir, 'outline.png'));

    let error: unknown;
    try {
      prepareAppPackage(settings, dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppPackageError);
    const { problems, message } = error as AppPackageError;
    expect(problems.map((p) => p.field).sort()).toEqual(['bots[0].scopes[3]', 'composeExtensions[0].commands[0].id', 'icons.outline']);
    expect(message.split('\n')).toEqual([
      'the Teams app package is not valid:',
      '  bots[0].scopes[3]: must be one of "team", "personal", "groupChat", "copilot" (got "meetings")',
      '  icons.outline: outline.png is not in the package (the outline icon (white on transparent) must be a file beside manifest.json)',
      '  composeExtensions[0].commands[0].id: "draft post" must be letters, digits, "-" or "_" only',
    ]);
  });

  it('an icon name that points outside the package directory is not read', () => {
    const dir = appPackageCopy();
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.icons.color = '../color.png';
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(() => prepareAppPackage(settings, dir)).toThrow(/icons\.color: \.\.\/color\.png is not in the package/);
  });
});

describe('npm run teams:package', () => {
  const run = promisify(execFile);
  const script = path.join(root, 'scripts', 'teams-package.ts');
  // Run from an empty directory so no developer's .env is read; only what the test passes counts.
  const cli = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ['--import', import.meta.resolve('tsx'), script, ...args], {
      cwd: tempDir(),
      env: { PATH: process.env.PATH ?? '', ...env },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('writes the zip where asked and says where', async () => {
    const out = path.join(tempDir(), 'nested', 'greenlight.zip');
    const r = await cli(['--out', out], { MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: 'https://greenlight.contoso.com' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`teams:package: wrote ${out} (`);
    expect(r.stdout).toContain(`app and bot id ${APP_ID}, valid domain greenlight.contoso.com`);
    const zip = await JSZip.loadAsync(readFileSync(out));
    expect(JSON.parse(await zip.file('manifest.json')!.async('string')).validDomains).toEqual(['greenlight.contoso.com']);
  });

  it('without MICROSOFT_APP_ID: exit 1, one line naming it, nothing written', async () => {
    const out = path.join(tempDir(), 'greenlight.zip');
    const r = await cli(['--out', out, '--public-url', 'https://greenlight.contoso.com'], {});
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^teams:package: MICROSOFT_APP_ID: required/)]);
    expect(existsSync(out)).toBe(false);
  });
});
