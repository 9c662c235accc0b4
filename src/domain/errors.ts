/**
 * An error whose `userMessage` is safe and useful to show to the person who caused it.
 * The chat layers show `userMessage`; logs get the cause as well.
 */
export class UserFacingError extends Error {
  readonly userMessage: string;
  constructor(userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = 'UserFacingError';
    this.userMessage = userMessage;
  }
}
