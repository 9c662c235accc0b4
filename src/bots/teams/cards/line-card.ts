/**
 * Lines of news (written once for every chat in src/bots/presentation) as Teams messages: a
 * line without buttons is plain text (markdown); lines with buttons become a small card whose
 * buttons are Action.Execute, checked on the server like every other click.
 */
import type { Line, LineAction } from '../../presentation/line.js';
import { card, execute, showCard, text, type AdaptiveCard, type CardElement } from './adaptive.js';

/** What a Teams message holds: text, or a card (with the text for notifications). */
export interface TeamsMessage {
  text: string;
  card?: AdaptiveCard;
}

/** Opens the draft form in a dialog (Action.Execute cannot open one): Teams sends `task/fetch`. */
export const EDIT_DRAFT_COMMAND = 'editDraft';

function toAction(a: LineAction): CardElement {
  const data = {
    postId: a.postId,
    ...(a.revisionId !== undefined ? { revisionId: a.revisionId } : {}),
    ...(a.publicationId !== undefined ? { publicationId: a.publicationId } : {}),
  };
  if (a.kind === 'edit_draft')
    return { type: 'Action.Submit', title: a.label, data: { ...data, msteams: { type: 'task/fetch' }, commandId: EDIT_DRAFT_COMMAND } };
  if (a.kind === 'reschedule') {
    // The new time is entered in the card itself, in the clicker's own zone.
    return showCard(
      a.label,
      [
        { type: 'Input.Date', id: 'date', label: 'New date (your time zone)', isRequired: true, errorMessage: 'Choose a date.' },
        { type: 'Input.Time', id: 'time', label: 'New time (your time zone)', isRequired: true, errorMessage: 'Choose a time.' },
      ],
      [execute('Reschedule', a.kind, data, { associatedInputs: 'auto' })],
    );
  }
  const style = a.style === 'primary' ? 'positive' : a.style === 'danger' ? 'destructive' : undefined;
  const run = execute(a.confirm?.confirm ?? a.label, a.kind, data, {
    ...(style || a.confirm?.danger ? { style: a.confirm?.danger ? 'destructive' : style } : {}),
    associatedInputs: 'none',
  });
  // A confirm step is a card that opens under the button, with the real action inside.
  return a.confirm ? showCard(a.label, [text(`**${a.confirm.title}** ${a.confirm.text}`)], [run]) : run;
}

/** Several lines as one message: joined with a rule between them, buttons kept with their line. */
export function teamsMessage(lines: readonly Line[]): TeamsMessage {
  const plain = lines.map((l) => l.text).join('\n\n');
  if (!lines.some((l) => l.actions?.length)) return { text: plain };
  const body: CardElement[] = [];
  const actions: CardElement[] = [];
  for (const [i, line] of lines.entries()) {
    body.push(text(line.text, i > 0 ? { separator: true, spacing: 'Medium' } : {}));
    if (line.actions?.length) body.push({ type: 'ActionSet', actions: line.actions.map(toAction) });
  }
  return { text: plain, card: card(body, { actions }) };
}
