/**
 * The Bot Connector's error answers as Teams sends them: `{ error: { code, message } }`
 * (botbuilder surfaces `code` as the thrown error's `.code`), with the codes and messages
 * Teams documents for its bot APIs or that people have reported seeing.
 */

export interface ConnectorErrorBody {
  error: { code: string; message: string };
}

export interface ConnectorError {
  status: number;
  body: ConnectorErrorBody;
}

const error = (status: number, code: string, message: string): ConnectorError => ({ status, body: { error: { code, message } } });

export const CONNECTOR_ERRORS = {
  conversationNotFound: error(404, 'ConversationNotFound', 'Conversation not found.'),
  activityNotFound: error(404, 'ActivityNotFoundInConversation', 'Message does not exist in the thread.'),
  // Samples branch on this code, not the status; some tenants have been seen to send it with 400.
  memberNotFound: error(404, 'MemberNotFoundInConversation', 'Member not found in conversation.'),
  // What a proactive 1:1 gets when the app is not installed for that person.
  botNotInRoster: error(403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.'),
  badConversationParameters: error(400, 'BadSyntax', 'Incorrect conversation creation parameters'),
  badArgument: (message: string) => error(400, 'BadArgument', message),
  teamNotFound: error(404, 'NotFound', 'Team not found.'),
} as const;

/** The code Teams uses for a status, for scripted failures that name only the status. */
export function connectorErrorFor(status: number, code?: string, message?: string): ConnectorError {
  const known: Record<number, [string, string]> = {
    400: ['BadArgument', 'Bad argument.'],
    403: ['BotNotInConversationRoster', 'The bot is not part of the conversation roster.'],
    404: ['ConversationNotFound', 'Conversation not found.'],
    412: ['PreconditionFailed', 'Precondition failed, please try again.'],
    413: ['MessageSizeTooBig', 'Message size too large.'],
    429: ['Throttled', 'Too many requests.'],
  };
  const [defaultCode, defaultMessage] = known[status] ?? ['ServiceError', 'Unknown'];
  return error(status, code ?? defaultCode, message ?? defaultMessage);
}

/** The connector's answer to a missing or bad bearer token (an ASP.NET authorization filter's). */
export const UNAUTHORIZED_BODY = { message: 'Authorization has been denied for this request.' } as const;
