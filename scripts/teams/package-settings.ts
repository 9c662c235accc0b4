/**
 * What `npm run teams:package` needs from the environment (or its arguments): the bot's
 * Microsoft App ID, which is both the Teams app id and the bot id in the manifest, and
 * Greenlight's public URL, whose host goes into validDomains. Parsed once here; a problem
 * is one line naming the variable, as Greenlight's own start-up does.
 */
import { z } from 'zod';

export interface PackageSettings {
  /** the Azure Bot's Microsoft App ID (a GUID), used as the manifest's `id` and `botId` */
  appId: string;
  /** host (and port, when not 443) of PUBLIC_URL, for `validDomains` */
  publicHost: string;
  /** the manifest's `version`: Greenlight's own version from package.json */
  appVersion: string;
}

export class PackageSettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PackageSettingsError';
    this.problems = problems;
  }
}

// The Teams schema's own `guid` definition.
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// The Teams schema's `semver` definition: MAJOR.MINOR.PATCH, nothing after.
const SEMVER = /^([0-9]|[1-9]+[0-9]*)\.([0-9]|[1-9]+[0-9]*)\.([0-9]|[1-9]+[0-9]*)$/;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);

const Input = z.object({
  MICROSOFT_APP_ID: z.preprocess(
    blank,
    z
      .string({ error: "required: the Azure Bot's Microsoft App ID (a GUID); set it in the environment or .env, or pass --app-id" })
      .refine((v) => GUID.test(v), {
        error: (i) => `must be a GUID like 00000000-0000-0000-0000-000000000000 (got ${JSON.stringify(i.input)})`,
      }),
  ),
  PUBLIC_URL: z.preprocess(
    blank,
    z
      .string({
        error: "required: Greenlight's public https URL (Teams reaches https://<its host>/api/messages); set it, or pass --public-url",
      })
      .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:' && new URL(v).hostname !== '', {
        error: (i) => `must be an https URL, e.g. https://greenlight.example.com (got ${JSON.stringify(i.input)})`,
      })
      .refine((v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''), {
        error: 'must not contain a user name or password',
      }),
  ),
  APP_VERSION: z.string().refine((v) => SEMVER.test(v), {
    error: (i) => `must be MAJOR.MINOR.PATCH for the Teams manifest (got ${JSON.stringify(i.input)})`,
  }),
});

export interface PackageSettingsInput {
  env: Record<string, string | undefined>;
  /** command-line overrides: --app-id, --public-url */
  args?: { appId?: string | undefined; publicUrl?: string | undefined };
  /** package.json's version */
  appVersion: string;
}

/** Reads and checks the settings; throws PackageSettingsError with one line per problem. */
export function readPackageSettings({ env, args = {}, appVersion }: PackageSettingsInput): PackageSettings {
  const parsed = Input.safeParse({
    MICROSOFT_APP_ID: args.appId ?? env.MICROSOFT_APP_ID,
    PUBLIC_URL: args.publicUrl ?? env.PUBLIC_URL,
    APP_VERSION: appVersion,
  });
  if (!parsed.success) {
    const names: Record<string, string> = { APP_VERSION: 'package.json version' };
    throw new PackageSettingsError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${names[key] ?? key}: ${issue.message}`;
      }),
    );
  }
  return {
    appId: parsed.data.MICROSOFT_APP_ID,
    // URL.host drops the default port, so https://x:443 and https://x give the same domain.
    publicHost: new URL(parsed.data.PUBLIC_URL).host,
    appVersion: parsed.data.APP_VERSION,
  };
}
