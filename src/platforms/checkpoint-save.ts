import type { NetworkId } from '../domain/network.js';
import { PublishError, type PublishRequest } from './publisher.js';

/**
 * Saves a publisher's progress before the step that needs it (PublishRequest.saveCheckpoint).
 * A save that fails stops the attempt right there, retryable: going on without the record would
 * leave a later attempt unable to look before it leaps. `message` says so for the network.
 */
export async function saveOrStop(
  save: PublishRequest['saveCheckpoint'],
  progress: Record<string, unknown>,
  failure: { network: NetworkId; message: string },
): Promise<void> {
  if (!save) return;
  try {
    await save(progress);
  } catch (error) {
    throw new PublishError({ kind: 'retryable', network: failure.network, message: failure.message, cause: error });
  }
}
