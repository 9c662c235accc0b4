/**
 * The playground's workspace on disk, beside the database (the posts there point at its
 * messages): the conversations, Home tabs, shared charts, Teams conversations and the people
 * added on the page, read at start and written shortly after each change.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { WorkspaceSnapshot } from './slack-emulator/index.js';
import type { TeamsSnapshot } from './teams-emulator/index.js';
import type { PlaygroundPerson } from './workspace-seed.js';

export interface SavedPlayground {
  people: PlaygroundPerson[];
  workspace: WorkspaceSnapshot;
  teams?: TeamsSnapshot;
}

export function readSaved(file: string, logger: Logger): SavedPlayground | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedPlayground;
    if (!Array.isArray(saved.people) || !Array.isArray(saved.workspace?.channels)) throw new Error('not a playground workspace');
    return saved;
  } catch (error) {
    logger.warn(`playground: ${file} could not be read; starting with a fresh workspace`, { error });
    return undefined;
  }
}

/** Writes the workspace to its file shortly after changes (atomically: a crash leaves the old one). */
export class StateKeeper {
  #timer: NodeJS.Timeout | undefined;
  constructor(
    readonly file: string,
    readonly read: () => SavedPlayground,
    readonly logger: Logger,
  ) {}
  soon(): void {
    this.#timer ??= setTimeout(() => this.now(), 500);
  }
  now(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Beside the database: if its folder is gone (deleted under a running Greenlight), so is the
    // workspace, and nothing is written to bring the folder back.
    if (!existsSync(path.dirname(this.file))) return;
    try {
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.read()));
      renameSync(tmp, this.file);
    } catch (error) {
      this.logger.warn('playground: could not save the workspace', { error });
    }
  }
}
