/**
 * One piece of news as every chat shows it: marked-up text and the buttons that go with it.
 * Slack turns a line into Block Kit, Teams into an Adaptive Card; what the buttons do is the
 * same in both.
 */
export interface Confirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
  danger?: boolean;
}

export type LineActionKind = 'edit_draft' | 'retry' | 'mark_published' | 'publish_now' | 'reschedule' | 'approve_now';

export interface LineAction {
  kind: LineActionKind;
  label: string;
  style?: 'primary' | 'danger';
  postId: number;
  /** The revision the button was shown for (a stale button is refused). */
  revisionId?: number;
  publicationId?: number;
  confirm?: Confirm;
}

export interface Line {
  /** Marked up for the chat it was written for. */
  text: string;
  actions?: LineAction[];
}
