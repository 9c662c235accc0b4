import { describe, expect, it } from 'vitest';
import { buildApprovalCard } from '../../../src/bots/slack/blocks/approval-card.js';
import { SLACK_MARKUP } from '../../../src/bots/slack/blocks/slack-markup.js';
import { statusLine as statusLineIn } from '../../../src/bots/presentation/post-lines.js';

const statusLine = (v: Parameters<typeof statusLineIn>[1]) => statusLineIn(SLACK_MARKUP, v);
import { escapeMrkdwn, splitForSections, truncate } from '../../../src/bots/slack/blocks/block-kit.js';
import { buildDraftModal, decodeDraftState, usageHint } from '../../../src/bots/slack/blocks/draft-modal.js';
import { buildFullTextModal } from '../../../src/bots/slack/blocks/full-text-modal.js';
import { decodeRef, encodeRef } from '../../../src/bots/slack/ids.js';
import type { Decision, Person } from '../../../src/domain/post.js';
import type { PostView } from '../../../src/workflows/post-view.js';

const ann: Person = { id: 1, platform: 'slack', platformUserId: 'U1', displayName: 'Ann', timezone: 'Europe/Berlin' };
const bob: Person = { id: 2, platform: 'slack', platformUserId: 'U2', displayName: 'Bob', timezone: null };
const teamsPerson: Person = { id: 3, platform: 'teams', platformUserId: 'aad-1', displayName: 'Tia <Teams>', timezone: null };

function view(overrides: Partial<PostView> = {}): PostView {
  return {
    id: 7,
    status: 'pending',
    statusLabel: 'Waiting for approval',
    author: ann,
    revisionId: 11,
    revisionNumber: 2,
    text: 'Spring <sale> & more',
    networks: [{ network: 'x', label: 'X', used: 20, limit: 280, unit: 'characters', ok: true }],
    mediaUrl: null,
    images: [],
    video: null,
    youtube: null,
    variants: [],
    publishAt: new Date('2026-03-03T09:00:00Z'),
    publishZone: 'Europe/Berlin',
    aiAssisted: false,
    submittedAt: new Date('2026-03-02T09:00:00Z'),
    approvals: [],
    verdict: null,
    requiredApprovals: 1,
    remainingApprovals: 1,
    decidable: true,
    publications: [],
    ...overrides,
  };
}

const decision = (approver: Person, kind: Decision['kind'], comment: string | null = null): Decision => ({
  id: 1,
  postId: 7,
  revisionId: 11,
  approver,
  kind,
  comment,
  platform: 'slack',
  createdAt: new Date(),
});

describe('Block Kit builders', () => {
  it('escapes user text so it cannot become markup or a mention', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    const blocks = JSON.stringify(buildApprovalCard(view({ text: '<!here> buy now' })));
    expect(blocks).toContain('&lt;!here&gt; buy now');
    expect(blocks).not.toContain('<!here>');
  });

  it('shows the publish time in the author’s zone and in UTC', () => {
    const text = JSON.stringify(buildApprovalCard(view()));
    expect(text).toContain('Tue 3 Mar 2026, 10:00 CET');
    expect(text).toContain('Tue 3 Mar 2026, 09:00 UTC');
  });

  it('keeps every section within 3000 characters, whatever the text', () => {
    const card = buildApprovalCard(view({ text: '&'.repeat(63_206) }));
    for (const block of card) {
      if (block.type === 'section' && 'text' in block && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(JSON.stringify(card)).toContain('"action_id":"gl_full_text"');
  });

  it('says who decided, mentioning Slack users and naming (escaped) people from elsewhere', () => {
    expect(statusLine(view({ status: 'rejected', verdict: decision(bob, 'reject', 'Off-brand') }))).toBe(
      '⛔ *Rejected* by <@U2>: “Off-brand”',
    );
    expect(statusLine(view({ approvals: [decision(teamsPerson, 'approve')], remainingApprovals: 1, requiredApprovals: 2 }))).toBe(
      '⏳ *Approved by Tia &lt;Teams&gt;*: needs 1 more approval',
    );
  });

  it('offers decision buttons only while a decision is possible', () => {
    const ids = (v: PostView) => JSON.stringify(buildApprovalCard(v)).match(/"action_id":"[a-z_]+"/g) ?? [];
    expect(ids(view())).toEqual(['"action_id":"gl_approve"', '"action_id":"gl_request_changes"', '"action_id":"gl_reject"']);
    expect(ids(view({ status: 'approved', decidable: false }))).toEqual([]);
  });

  it('marks AI-assisted text on the card', () => {
    expect(JSON.stringify(buildApprovalCard(view({ aiAssisted: true })))).toContain('AI-assisted');
  });

  it('builds a draft dialog within Slack’s limits that round-trips its state', () => {
    const modal = buildDraftModal({
      mode: 'edit',
      postId: 123456,
      revisionId: 9,
      timezone: 'Asia/Kolkata',
      aiAssisted: true,
      text: 'x'.repeat(5000),
      available: ['sandbox', 'x'],
      selected: ['x'],
      publishAt: new Date('2026-03-03T09:00:00Z'),
      mediaUrl: null,
      usage: [],
    });
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(modal.title.text).toBe('Edit post #123456');
    expect(JSON.stringify(modal)).toContain('"initial_date_time":1772528400');
    const textInput = JSON.stringify(modal.blocks[0]);
    expect(textInput).toContain('"max_length":3000');
    expect(decodeDraftState(modal.private_metadata!)).toEqual({
      mode: 'edit',
      postId: 123456,
      revisionId: 9,
      timezone: 'Asia/Kolkata',
      aiAssisted: true,
    });
    expect(decodeDraftState('not json')).toBeUndefined();
  });

  it('summarises limits for the hint', () => {
    expect(usageHint([])).toBe('Choose networks below to see their limits.');
    expect(usageHint([{ network: 'x', label: 'X', used: 312, limit: 280, unit: 'characters', ok: false }])).toBe('X 312/280 ✗ too long');
  });

  it('splits long text for a full-text dialog without losing any of it', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} 😀`).join('\n');
    const pieces = splitForSections(text, 500);
    expect(pieces.every((p) => p.length <= 500)).toBe(true);
    expect(pieces.join('\n').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    const modal = buildFullTextModal(1, 1, 'word '.repeat(20_000));
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
  });

  it('truncates by characters, not UTF-16 units', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('encodes and decodes button values, refusing anything else', () => {
    expect(decodeRef(encodeRef({ postId: 12, revisionId: 34 }))).toEqual({ postId: 12, revisionId: 34 });
    expect(decodeRef('12:x')).toBeUndefined();
    expect(decodeRef(undefined)).toBeUndefined();
  });
});
