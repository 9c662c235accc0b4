import { expect } from 'vitest';
import { PublishError } from '../../src/platforms/publisher.js';

/** The PublishError `promise` rejects with (the test fails if it resolves or throws anything else). */
export async function failureOf(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PublishError);
    return error as PublishError;
  }
  throw new Error('expected a PublishError');
}
