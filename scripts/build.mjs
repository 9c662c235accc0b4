/**
 * `npm run build` (also `prepare`, so `npm install` builds): Greenlight compiled into plain
 * JavaScript in dist/, so `npm start` runs `node dist/main.js` with no TypeScript loader.
 *
 * Bundled and minified with esbuild: one file per entry point plus shared chunks, so start-up
 * reads and compiles a few files instead of a thousand (bench/startup.ts measures it). What only
 * a feature that is off needs stays out of the start: each network's module, each chat's, the
 * AI client and the Prometheus one are imported dynamically (chunks loaded on first use), and
 * the heavy packages they bring stay in node_modules, loaded only then. Native and
 * file-reading packages stay there too (better-sqlite3's binding, resvg's, the font files, the
 * Adaptive Cards script the playground serves). Source maps sit beside the chunks; with
 * NODE_OPTIONS=--enable-source-maps stack traces name the TypeScript sources (off by default:
 * it costs every start about 30 ms and 25 MB, measured with bench/startup.ts).
 *
 * Plain JavaScript itself so it runs before anything is built. Transpiling only: the type check
 * is `npm run typecheck`, which CI runs. The files the code reads next to itself (the database
 * migrations, the playground's page) are copied beside the chunks, where `import.meta.url`
 * points from there as it does from the sources.
 */
import { cpSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// Built beside dist/ and swapped in at the end: whatever starts from dist/ meanwhile (a test, a
// restart) finds the old build or the new one, never half of one, and a failed build leaves
// the old one in place.
const out = join(root, `.dist-${process.pid}`);

/** Loaded from node_modules when used: native or reading their own files, or only for features that are off by default. */
const EXTERNAL = [
  'better-sqlite3',
  '@resvg/resvg-js',
  '@expo-google-fonts/noto-sans',
  'adaptivecards',
  'botbuilder',
  'botbuilder-core',
  'botframework-connector',
  '@atproto/api',
  '@googleapis/youtube',
  'google-auth-library',
  'openai',
  'mp4box',
  'prom-client',
  'undici',
  'twitter-text',
];

try {
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/start.ts', backup: 'src/cli/backup.ts', audit: 'src/cli/audit.ts' },
    outdir: out,
    // Chunks beside the entries: relative `import.meta.url` paths resolve the same from each.
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS packages call require() for Node's own modules; ESM has none of its own.
    banner: {
      js: "import { createRequire as __greenlightRequire } from 'node:module'; const require = __greenlightRequire(import.meta.url);",
    },
    minifyWhitespace: true,
    minifySyntax: true,
    // Names stay as written (errors, classes), for logs and for code that reads them.
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  cpSync(join(root, 'db/sqlite/migrations'), join(out, 'migrations'), { recursive: true });
  cpSync(join(root, 'src/playground/assets'), join(out, 'assets'), { recursive: true });
  rmSync(dist, { recursive: true, force: true });
  renameSync(out, dist);
} catch (error) {
  rmSync(out, { recursive: true, force: true });
  throw error;
}
