import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DatabaseIdentity } from './identity.js';

/**
 * The marker: a small file that says "Greenlight kept a database at this path", written
 * beside the folder that holds the database rather than in it, so that deleting the data
 * folder (or a volume that failed to mount) leaves it behind. Start-up then refuses to make
 * a new, empty database where one existed, instead of silently starting over.
 *
 * `./data/greenlight.db` → `./.data-greenlight.db.marker`. A database directly in the working
 * directory or at the root has no folder of its own to delete: its marker sits beside it.
 */
export function markerPath(file: string, cwd = process.cwd()): string {
  const absolute = path.resolve(cwd, file);
  const folder = path.dirname(absolute);
  const parent = path.dirname(folder);
  if (folder === path.resolve(cwd) || parent === folder) return path.join(folder, `.${path.basename(absolute)}.marker`);
  return path.join(parent, `.${path.basename(folder)}-${path.basename(absolute)}.marker`);
}

const Marker = z.object({ database: z.string(), id: z.string(), createdAt: z.string() });

/** What a marker says: nothing (absent), or that a database was there, and which if legible. */
export type MarkerReading = { found: false } | { found: true; identity: DatabaseIdentity | undefined };

export function readMarker(markerFile: string): MarkerReading {
  let text: string;
  try {
    text = fs.readFileSync(markerFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
    throw new Error(`cannot read the marker ${markerFile}: ${(error as Error).message}`, { cause: error });
  }
  let parsed;
  try {
    parsed = Marker.safeParse(JSON.parse(text));
  } catch {
    return { found: true, identity: undefined };
  }
  return { found: true, identity: parsed.success ? { id: parsed.data.id, createdAt: parsed.data.createdAt } : undefined };
}

/** Writes the marker whole or not at all (a temporary file renamed over it). */
export function writeMarker(markerFile: string, file: string, identity: DatabaseIdentity): void {
  const body = {
    database: path.resolve(file),
    id: identity.id,
    createdAt: identity.createdAt,
    about:
      'Greenlight keeps a database at this path. If it is missing at start, Greenlight refuses to create an empty one; `npm start -- --init` starts over.',
  };
  const temporary = `${markerFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(temporary, markerFile);
}
