/**
 * `npm run teams:package [-- --app-id <guid>] [--public-url <https url>] [--out <file.zip>]`
 *
 * Builds appPackage/build/greenlight-teams.zip for uploading to Teams: MICROSOFT_APP_ID
 * becomes the app id and bot id, PUBLIC_URL's host the valid domain (both from the
 * environment or .env unless given as arguments). The manifest is validated offline against
 * Microsoft's 1.25 schema first; nothing is written when anything is wrong.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDotEnv } from '../src/config.js';
import { APP_PACKAGE_ZIP, AppPackageError, prepareAppPackage, zipAppPackage } from './teams/app-package.js';
import { PackageSettingsError, readPackageSettings } from './teams/package-settings.js';

const NAME = 'teams:package';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { 'app-id': { type: 'string' }, 'public-url': { type: 'string' }, out: { type: 'string' } } }).values;
  } catch (err) {
    console.error(`${NAME}: ${(err as Error).message}`);
    return 2;
  }
  loadDotEnv();
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  try {
    const settings = readPackageSettings({
      env: process.env,
      args: { appId: args['app-id'], publicUrl: args['public-url'] },
      appVersion: version,
    });
    const appPackage = prepareAppPackage(settings);
    const zip = await zipAppPackage(appPackage);
    const out = path.resolve(args.out ?? APP_PACKAGE_ZIP);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, zip);
    const where = path.relative(process.cwd(), out).startsWith('..') ? out : path.relative(process.cwd(), out);
    console.log(`${NAME}: wrote ${where} (${zip.length} bytes: manifest.json, ${[...appPackage.files.keys()].join(', ')})`);
    console.log(`${NAME}: app and bot id ${settings.appId}, valid domain ${settings.publicHost}, version ${settings.appVersion}`);
    const developer = JSON.stringify(appPackage.manifest.developer ?? '');
    if (developer.includes('example.com') || developer.includes('Your organisation')) {
      console.log(
        `${NAME}: note: developer name and URLs are still placeholders; put your own in appPackage/manifest.json before publishing beyond a test tenant`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof PackageSettingsError) for (const line of err.problems) console.error(`${NAME}: ${line}`);
    else if (err instanceof AppPackageError) console.error(`${NAME}: ${err.message}`);
    else throw err;
    return 1;
  }
}

process.exitCode = await main();
