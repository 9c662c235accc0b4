/**
 * The few Adaptive Card elements Greenlight uses, as plain functions (data in, JSON out).
 * Cards target schema 1.5, which Teams renders on desktop, web and mobile.
 */
export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  refresh?: CardElement;
  msteams?: Record<string, unknown>;
}

export function card(body: CardElement[], extra: Partial<Pick<AdaptiveCard, 'actions' | 'refresh' | 'msteams'>> = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(extra.actions?.length ? { actions: extra.actions } : {}),
    ...(extra.refresh ? { refresh: extra.refresh } : {}),
    // Full width in channels and chats: cards with text and buttons read badly narrow.
    msteams: { width: 'Full', ...extra.msteams },
  };
}

export const text = (value: string, options: Record<string, unknown> = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...options,
});
export const heading = (value: string): CardElement => text(value, { size: 'Medium', weight: 'Bolder' });
export const subtle = (value: string): CardElement => text(value, { isSubtle: true, size: 'Small', spacing: 'None' });
export const attention = (value: string): CardElement => text(value, { color: 'Attention', size: 'Small', spacing: 'None' });

/** Action.Execute: the Universal Actions model; Teams sends an `adaptiveCard/action` invoke. */
export function execute(
  title: string,
  verb: string,
  data: Record<string, unknown>,
  options: { style?: 'positive' | 'destructive'; associatedInputs?: 'auto' | 'none' } = {},
): CardElement {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    ...(options.style ? { style: options.style } : {}),
    ...(options.associatedInputs ? { associatedInputs: options.associatedInputs } : {}),
  };
}

/** Action.Submit, for dialogs (task modules): Teams sends a `composeExtension/submitAction`. */
export function submit(
  title: string,
  data: Record<string, unknown>,
  options: { style?: 'positive' | 'destructive'; associatedInputs?: 'auto' | 'none' } = {},
): CardElement {
  return {
    type: 'Action.Submit',
    title,
    data,
    ...(options.style ? { style: options.style } : {}),
    ...(options.associatedInputs ? { associatedInputs: options.associatedInputs } : {}),
  };
}

export function showCard(title: string, body: CardElement[], actions: CardElement[]): CardElement {
  return { type: 'Action.ShowCard', title, card: { type: 'AdaptiveCard', body, actions } };
}
