import { UserFacingError } from '../../domain/errors.js';

/**
 * Start-up checks on a Meta token that need no network call. A token pasted with its
 * "Bearer " prefix, or with a line break from a copied terminal, is refused by Meta with an
 * error that does not say why; naming the variable here saves a failed publication.
 */
export function checkMetaToken(token: string, setting: string): void {
  if (token.trim() === '') throw new UserFacingError(`${setting} is empty.`);
  if (/\s/.test(token)) {
    throw new UserFacingError(`${setting} contains spaces or line breaks; paste the token alone (without "Bearer " or quotes).`);
  }
}
