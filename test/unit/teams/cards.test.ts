/**
 * Greenlight's Teams cards, built by pure functions and read by Microsoft's own adaptivecards
 * library: no parse errors, and under Teams' 28 KB however long the lists grow.
 */
import { describe, expect, it } from 'vitest';
import { buildApprovalCard } from '../../../src/bots/teams/cards/approval-card.js';
import { buildDigestCard } from '../../../src/bots/teams/cards/digest-card.js';
import { buildDraftForm } from '../../../src/bots/teams/cards/draft-form.js';
import { buildHelpCard } from '../../../src/bots/teams/cards/help-card.js';
import { teamsMessage } from '../../../src/bots/teams/cards/line-card.js';
import { buildQueueCard } from '../../../src/bots/teams/cards/queue-card.js';
import { escapeCardMarkdown, TEAMS_MARKUP } from '../../../src/bots/teams/cards/teams-markup.js';
import { expiredLine, needsAttentionLine } from '../../../src/bots/presentation/news-lines.js';
import type { Person } from '../../../src/domain/post.js';
import type { Publication } from '../../../src/domain/publication.js';
import type { Digest } from '../../../src/workflows/digest/build-digest.js';
import type { PostView } from '../../../src/workflows/post-view.js';
import { checkAdaptiveCard } from '../../support/adaptive-cards.js';

const ann: Person = { id: 1, platform: 'teams', platformUserId: 'a3c1e5f7', displayName: 'Ann *Author*', timezone: 'Europe/Berlin' };

function view(overrides: Partial<PostView> = {}): PostView {
  return {
    id: 7,
    status: 'pending',
    statusLabel: 'Waiting for approval',
    author: ann,
    revisionId: 11,
    revisionNumber: 2,
    text: 'Spring **sale** [click](https://evil.example)',
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

const clean = (card: unknown) => {
  const check = checkAdaptiveCard(card);
  expect(check.errors).toEqual([]);
  return check;
};

const publication: Publication = {
  id: 30,
  postId: 7,
  revisionId: 11,
  network: 'x',
  status: 'needs_attention',
  dueAt: new Date('2026-03-03T09:00:00Z'),
  claimOwner: null,
  leaseUntil: null,
  sendingAt: null,
  attempts: 1,
  nextAttemptAt: null,
  externalId: null,
  url: null,
  lastError: 'X did not answer',
  publishedAt: null,
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('Teams cards', () => {
  it('shows uploaded images from their links, with alt text, where there are links', () => {
    const images = [
      { sha256: 'a'.repeat(64), type: 'image/jpeg' as const, bytes: 1000, width: 1080, height: 1080, alt: 'Tulips' },
      { sha256: 'b'.repeat(64), type: 'image/png' as const, bytes: 1000, width: 800, height: 600, alt: null },
    ];
    const withLinks = JSON.stringify(
      buildApprovalCard(
        { ...view(), images },
        { canDecide: false, imageUrls: ['https://gl.example.com/media/a.jpg', 'https://gl.example.com/media/b.png'] },
      ),
    );
    expect(withLinks).toContain('{"type":"Image","url":"https://gl.example.com/media/a.jpg","altText":"Tulips","size":"Medium"}');
    expect(withLinks).toContain('"url":"https://gl.example.com/media/b.png","altText":"Image 2 of post #');
    expect(withLinks).toContain('⚠️ no alt text');
    const without = JSON.stringify(buildApprovalCard({ ...view(), images }, { canDecide: false }));
    expect(without).not.toContain('"type":"Image"');
    expect(without).toContain('**Image 1** · JPEG · 1080×1080');
  });

  it('a long alt text is a glimpse on the card; Show full text shows it whole', () => {
    const alt = `A crowded market at dusk, ${'lanterns and spice sacks, '.repeat(10)}and a cat on a barrel`;
    const images = [{ sha256: 'a'.repeat(64), type: 'image/jpeg' as const, bytes: 1000, width: 1080, height: 1080, alt }];
    const posted = buildApprovalCard({ ...view(), images }, { canDecide: false });
    expect(JSON.stringify(posted)).toContain('A crowded market at dusk');
    expect(JSON.stringify(posted)).not.toContain('a cat on a barrel');
    expect(posted.actions!.map((a) => a.title)).toContain('Show full text');
    const whole = buildApprovalCard({ ...view(), images }, { canDecide: false, fullText: true });
    expect(JSON.stringify(whole)).toContain(`Alt text: “${alt}”`);
    expect((whole.actions ?? []).map((a) => a.title)).not.toContain('Show full text');
    // Short texts and alt texts are whole already: no button.
    expect(
      (buildApprovalCard({ ...view(), images: [{ ...images[0]!, alt: 'Tulips' }] }, { canDecide: false }).actions ?? []).map(
        (a) => a.title,
      ),
    ).not.toContain('Show full text');
  });

  it('escapes people’s text, so a post cannot become markup or a link on the card', () => {
    expect(escapeCardMarkdown('**x** [a](b)')).toBe('\\*\\*x\\*\\* \\[a\\]\\(b\\)');
    const json = JSON.stringify(buildApprovalCard(view(), { canDecide: false }));
    expect(json).not.toContain('[click](https://evil.example)');
    expect(TEAMS_MARKUP.person(ann)).toBe('Ann \\*Author\\*');
  });

  it('the approval card: the status view has no buttons and a refresh for approvers; their view has the three decisions', () => {
    const status = buildApprovalCard(view(), { canDecide: false }, ['29:alice', '29:bob']);
    clean(status);
    expect(status.actions).toBeUndefined();
    expect(status.refresh).toMatchObject({
      action: { verb: 'refreshCard', data: { postId: 7, revisionId: 11 } },
      userIds: ['29:alice', '29:bob'],
    });
    const approver = buildApprovalCard(view(), { canDecide: true, problem: 'Say what should change: the author sees it.' });
    clean(approver);
    expect(approver.actions!.map((a) => a.title)).toEqual(['Approve', 'Request changes', 'Reject']);
    expect(JSON.stringify(approver)).toContain('Say what should change');
    // More approvers than Teams refreshes for: nobody is listed, everyone gets the manual refresh.
    const many = buildApprovalCard(
      view(),
      { canDecide: false },
      Array.from({ length: 61 }, (_, i) => `29:${i}`),
    );
    expect(many.refresh).not.toHaveProperty('userIds');
  });

  it('a long post is cut on the card with Show full text, and stays under 28 KB', () => {
    const long = buildApprovalCard(view({ text: 'word '.repeat(13_000) }), { canDecide: true });
    expect(clean(long).bytes).toBeLessThan(28_000);
    expect(long.actions!.map((a) => a.title)).toContain('Show full text');
  });

  it('thread lines with buttons become a card; confirm steps open under their button', () => {
    const message = teamsMessage([needsAttentionLine(TEAMS_MARKUP, view(), publication), expiredLine(TEAMS_MARKUP, view())]);
    expect(message.card).toBeDefined();
    clean(message.card);
    const json = JSON.stringify(message.card);
    expect(json).toMatch(/"type":"Action.ShowCard","title":"Mark as published".*"verb":"mark_published"/);
    expect(json).toContain('"verb":"approve_now"');
    // Reschedule asks for the new time in the card itself.
    expect(json).toMatch(/"title":"Reschedule".*"type":"Input.Date"/);
    expect(teamsMessage([{ text: 'Just a line' }])).toEqual({ text: 'Just a line' });
  });

  it('the draft form, with errors next to their fields and suggestions with Use this', () => {
    const form = buildDraftForm({
      values: { text: '', networks: ['x'], date: '2026-03-03', time: '10:00', mediaUrl: 'ftp://x', tone: 'friendly' },
      available: ['sandbox', 'x'],
      zone: 'Europe/Berlin',
      zoneSource: 'teams',
      usage: [],
      errors: { text: 'Write the text of the post.', mediaUrl: 'The image link must be a web address starting with https://.' },
      captions: {
        enabled: true,
        suggestions: [{ id: 'b.1', network: 'x', text: 'Try *this*', used: 10, limit: 280, unit: 'characters', shortened: false }],
      },
    });
    clean(form);
    const json = JSON.stringify(form);
    expect(json).toContain('Write the text of the post.');
    expect(json).toContain('"suggestionId":"b.1"');
    expect(json).toContain('Try \\\\*this\\\\*');
  });

  it('queue and digest stay under 28 KB however many posts there are', () => {
    const views = Array.from({ length: 500 }, (_, i) => view({ id: i + 1, text: `Post ${i} `.repeat(40) }));
    const queue = buildQueueCard({
      isApprover: true,
      mine: views,
      pending: views,
      scheduled: views,
      totals: { mine: 500, pending: 500, scheduled: 500 },
      now: new Date(),
      zone: 'UTC',
    });
    expect(clean(queue).bytes).toBeLessThan(28_000);
    const post = {
      postId: 1,
      network: 'x' as const,
      label: 'X',
      url: 'https://x.example/p/1',
      excerpt: 'Launch '.repeat(20),
      figures: { likes: 1, comments: 2, shares: 3, impressions: null },
      change: { likes: 1, comments: 2, shares: 3, impressions: null },
      engagement: 6,
    };
    const digest = {
      kind: 'daily',
      title: 'Engagement digest for Mon 2 Mar',
      zone: 'UTC',
      from: new Date(),
      to: new Date(),
      generatedAt: new Date(),
      posts: Array.from({ length: 300 }, () => post),
      totals: [],
      top: post,
      waiting: Array.from({ length: 300 }, (_, i) => ({
        postId: i,
        excerpt: 'Waiting '.repeat(20),
        author: ann,
        waitingMs: 3_600_000,
        publishAt: null,
      })),
      waitingTotal: 300,
      today: Array.from({ length: 300 }, (_, i) => ({
        postId: i,
        network: 'x' as const,
        label: 'X',
        dueAt: new Date(),
        excerpt: 'Today '.repeat(20),
      })),
      chart: { title: 'Engagement, last 7 days', days: [], series: [] },
    } satisfies Digest;
    const card = buildDigestCard(digest, Buffer.from('png-bytes'));
    const check = clean(card);
    expect(check.bytesWithoutDataUris).toBeLessThan(28_000);
    expect(JSON.stringify(card)).toContain('data:image/png;base64,');
  });

  it('the approval card shows the video (name, format, length, size) and YouTube’s fields, people’s words escaped', () => {
    const video = {
      sha256: 'c'.repeat(64),
      bytes: 21_075_000,
      container: 'mp4' as const,
      durationSeconds: 40,
      width: 1280,
      height: 720,
      videoCodec: 'avc1.640028',
      audioCodec: 'mp4a.40.2',
      name: 'shop *tour*.mp4',
    };
    const youtube = {
      title: 'Our <new> shop',
      tags: ['shop', 'tour'],
      categoryId: '19',
      privacy: 'unlisted' as const,
      madeForKids: false,
      thumbnail: null,
    };
    const posted = buildApprovalCard(view({ video, youtube }), { canDecide: true });
    clean(posted);
    const shown = JSON.stringify(posted);
    expect(shown).toContain('🎬 **Video** · shop \\\\*tour\\\\*.mp4 · MP4 · 40 s · 1280×720 · 20.1 MB');
    expect(shown).toContain('▶️ **YouTube:** “Our \\\\<new\\\\> shop” · unlisted · not made for kids · Travel & Events · tags: shop, tour');
    const plain = JSON.stringify(buildApprovalCard(view(), { canDecide: true }));
    expect(plain).not.toContain('🎬');
    expect(plain).not.toContain('▶️');
  });

  it('the draft form shows a waiting video instead of alt text fields, with the quota notice, and YouTube’s fields with their errors', () => {
    const video = {
      sha256: 'd'.repeat(64),
      bytes: 5 * 1024 * 1024,
      container: 'mov' as const,
      durationSeconds: 72,
      width: 1080,
      height: 1920,
      videoCodec: 'avc1.640028',
      audioCodec: null,
      name: 'reel.mov',
    };
    const form = buildDraftForm({
      values: {
        text: 'Tour',
        networks: ['youtube'],
        date: '',
        time: '',
        mediaUrl: '',
        tone: 'friendly',
        video,
        youtube: { title: '', tags: 'a, b', categoryId: '27', privacy: 'unlisted', madeForKids: '' },
      },
      available: ['sandbox', 'youtube'],
      zone: 'UTC',
      zoneSource: 'default',
      usage: [],
      errors: {
        youtube_title: 'YouTube needs a title.',
        youtube_kids: 'Say whether the video is made for kids: YouTube requires an answer for every video.',
        images: 'This video is too long for X.',
      },
      captions: { enabled: false },
      notices: ['YouTube: upload 1 of the 6 its daily quota allows (it renews at 09:00).'],
    });
    clean(form);
    const json = JSON.stringify(form);
    expect(json).toContain('🎬 reel.mov · MOV · 1 min 12 s · 1080×1920 · 5 MB');
    expect(json).not.toContain('"id":"alt_0"');
    expect(json).toContain('"id":"keep_video"');
    expect(json).toContain('YouTube: upload 1 of the 6');
    expect(json).toContain('This video is too long for X.');
    // Each of YouTube's inputs, its value kept, with its error right after it.
    const body = form.body as Array<Record<string, unknown>>;
    const textAfter = (id: string) => body[body.findIndex((e) => e.id === id) + 1]?.text;
    expect(textAfter('youtube_title')).toBe('YouTube needs a title.');
    expect(textAfter('youtube_kids')).toMatch(/^Say whether the video is made for kids/);
    expect(body.find((e) => e.id === 'youtube_tags')).toMatchObject({ value: 'a, b' });
    expect(body.find((e) => e.id === 'youtube_privacy')).toMatchObject({ style: 'expanded', value: 'unlisted' });
    const category = body.find((e) => e.id === 'youtube_category') as { value: string; choices: Array<{ title: string; value: string }> };
    expect(category.value).toBe('27');
    expect(category.choices).toContainEqual({ title: 'People & Blogs', value: '22' });
    // "Made for kids" is the author's own answer: none is chosen for them.
    expect(body.find((e) => e.id === 'youtube_kids')).not.toHaveProperty('value');
    // Every button says which video the form showed.
    for (const action of form.actions ?? []) expect(action.data).toMatchObject({ video: video.sha256 });

    // Without YouTube connected there are no YouTube fields; a video still arriving is said.
    const plain = buildDraftForm({
      values: { text: '', networks: [], date: '', time: '', mediaUrl: '', tone: 'friendly' },
      available: ['sandbox'],
      zone: 'UTC',
      zoneSource: 'default',
      usage: [],
      captions: { enabled: false },
      receiving: 'tour.mp4',
    });
    clean(plain);
    expect(JSON.stringify(plain)).not.toContain('youtube_');
    expect(JSON.stringify(plain)).toContain('Your video tour.mp4 is still arriving');
    expect(JSON.stringify(plain)).not.toContain('"video":');
  });

  it('help for someone who typed something else', () => {
    const help = buildHelpCard({ isApprover: false, approvalsChannelSet: false, unknown: 'do **it**' });
    clean(help);
    expect(JSON.stringify(help)).toContain('I did not understand “do \\\\*\\\\*it\\\\*\\\\*”');
    expect(JSON.stringify(help)).toContain('No approvals channel is set yet');
    expect(JSON.stringify(help)).toContain('one MP4 or MOV video with the paperclip');
  });
});
