/**
 * Issue 13 in Teams: images pasted into the chat with Greenlight are downloaded with the bot's
 * token into the media store, listed on the next draft form with an alt text field each, and
 * published exactly as approved (bytes, order, alt text), with each network's own text.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { jpeg } from '../../support/image-fixtures.js';
import { ScriptedPublisher } from '../../support/scripted-publisher.js';
import {
  adaptiveCardAction,
  channelMention,
  composeFetchTask,
  composeSubmitAction,
  personalMessage,
  type TeamsActivity,
} from '../../support/teams-activities.js';
import { ALICE, ANN, APPROVALS_CHANNEL, shownInTeams, teamsHarness, type TeamsHarness } from '../../support/teams-harness.js';

let h: TeamsHarness;
afterEach(async () => h?.close());
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

type Invoke = { task?: { type: string; value: unknown } };
const formOf = (response: { json?: unknown }) =>
  JSON.stringify(((response.json as Invoke).task?.value as { card?: { content?: unknown } })?.card?.content ?? {});

async function setUp() {
  const sandbox = new SandboxPublisher();
  const x = new ScriptedPublisher('x');
  h = await teamsHarness({}, { publishers: [sandbox, x] });
  await h.send(channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
  await h.fake.waitFor('replyToActivity', (c) => JSON.stringify(c.body).includes('approval cards'));
  return { sandbox, x };
}

/** A 1:1 message with images pasted into it, as Teams sends it. */
function withImages(images: Buffer[], text = ''): TeamsActivity {
  const message = personalMessage(h.env, { from: ANN, text });
  return {
    ...message,
    attachments: [...images.map((bytes) => h.fake.pastedImage(bytes, 'image/jpeg')), ...((message.attachments as unknown[]) ?? [])],
  } as TeamsActivity;
}

describe('Teams: pasted images', () => {
  it('are taken with the bot token, listed on the draft form for alt text, and published exactly as approved with each network’s own text', async () => {
    const { sandbox, x } = await setUp();
    const files = [jpeg(1080, 1350), jpeg(1080, 1080), jpeg(1200, 628)];
    await h.send(withImages(files));
    await h.app.settled();
    expect(h.fake.callsTo('getAttachment').map((c) => [c.status, c.auth.valid])).toEqual([
      [200, true],
      [200, true],
      [200, true],
    ]);
    expect(h.dmTexts(ANN).join('\n')).toMatch(/Got 3 images: 3 images are waiting for your next draft/);

    const form = formOf(await h.send(composeFetchTask(h.env, { from: ANN })));
    for (const id of ['alt_0', 'alt_1', 'alt_2', 'keep_2', 'variant_x']) expect(form).toContain(`"id":"${id}"`);
    expect(form).toContain(files.map(sha).join(','));

    const submitted = await h.send(
      composeSubmitAction(h.env, {
        from: ANN,
        data: {
          action: 'submit',
          text: 'Spring is here: our new collection, in three pictures.',
          networks: 'sandbox,x',
          date: '',
          time: '',
          mediaUrl: '',
          images: files.map(sha).join(','),
          alt_0: 'A meadow in spring',
          alt_1: 'Tulips in a row',
          alt_2: '',
          keep_0: 'true',
          keep_1: 'true',
          keep_2: 'true',
          variant_x: 'Spring is here 🌷',
        },
      }),
    );
    expect((submitted.json as Invoke).task?.type).toBe('message');
    await h.app.settled();
    const card = h.cards().at(-1)!;
    const shown = shownInTeams(card);
    expect(shown).toContain('X gets its own text:');
    expect(shown).toContain('Spring is here 🌷');
    expect(shown).toContain('Alt text: “A meadow in spring”');
    expect(shown).toContain('**Image 3** · JPEG · 1200×628');
    expect(shown).toContain('⚠️ no alt text');

    const post = (await h.app.greenlight.getPost(1))!;
    await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: post.revision.id } }));
    await h.app.settled();
    expect(sandbox.posted).toHaveLength(1);
    expect(sandbox.posted[0]).toMatchObject({
      text: 'Spring is here: our new collection, in three pictures.',
      images: [
        { sha256: sha(files[0]!), alt: 'A meadow in spring' },
        { sha256: sha(files[1]!), alt: 'Tulips in a row' },
        { sha256: sha(files[2]!), alt: null },
      ],
    });
    expect(x.sent.map((r) => [r.text, r.images?.map((i) => i.sha256)])).toEqual([['Spring is here 🌷', files.map(sha)]]);

    // The next draft starts without them.
    expect(formOf(await h.send(composeFetchTask(h.env, { from: ANN })))).not.toContain('"id":"alt_0"');
  });

  it('image files attached with the paperclip are taken from OneDrive’s link without the bot token; a file that is not an image is named', async () => {
    const { sandbox } = await setUp();
    const files = [jpeg(1080, 1080), jpeg(1200, 800)];
    const message = personalMessage(h.env, { from: ANN, text: '' });
    const notAPicture = Buffer.from('%PDF-1.7 not a picture');
    await h.send({
      ...message,
      attachments: [
        h.fake.attachedFile(files[0]!, 'beach.jpg'),
        h.fake.attachedFile(notAPicture, 'plan.pdf'),
        h.fake.attachedFile(files[1]!, 'shop.JPG'),
      ],
    } as TeamsActivity);
    await h.app.settled();
    const downloads = h.fake.callsTo('downloadFile');
    expect(downloads.map((c) => c.status)).toEqual([200, 200]);
    expect(downloads.every((c) => !c.auth.presented)).toBe(true);
    expect(h.fake.callsTo('getAttachment')).toHaveLength(0);
    const said = h.dmTexts(ANN).join('\n');
    expect(said).toMatch(/Got 2 images: 2 images are waiting for your next draft/);
    expect(said).toContain('plan.pdf was not taken: Greenlight takes JPEG, PNG, GIF and WebP images, and MP4 and MOV videos.');

    const form = formOf(await h.send(composeFetchTask(h.env, { from: ANN })));
    expect(form).toContain(files.map(sha).join(','));
    await h.send(
      composeSubmitAction(h.env, {
        from: ANN,
        data: {
          action: 'submit',
          text: 'From my laptop',
          networks: 'sandbox',
          date: '',
          time: '',
          mediaUrl: '',
          images: files.map(sha).join(','),
          alt_0: 'Beach',
          alt_1: 'Shop',
          keep_0: 'true',
          keep_1: 'true',
        },
      }),
    );
    await h.app.settled();
    await h.send(
      adaptiveCardAction(h.env, {
        from: ALICE,
        on: h.cards().at(-1)!,
        verb: 'approve',
        data: { postId: 1, revisionId: (await h.app.greenlight.getPost(1))!.revision.id },
      }),
    );
    await h.app.settled();
    expect(sandbox.posted.map((p) => p.images)).toEqual([
      [
        { sha256: sha(files[0]!), alt: 'Beach' },
        { sha256: sha(files[1]!), alt: 'Shop' },
      ],
    ]);
  });

  it('an attached file whose link has expired is named with the reason, and nothing is kept', async () => {
    await setUp();
    const attached = h.fake.attachedFile(jpeg(1080, 1080), 'late.jpg');
    const expired = {
      ...attached,
      content: { ...attached.content, downloadUrl: attached.content.downloadUrl.replace(/tempauth=[^&]+/, 'tempauth=expired') },
    };
    await h.send({ ...personalMessage(h.env, { from: ANN, text: '' }), attachments: [expired] } as TeamsActivity);
    await h.app.settled();
    expect(h.fake.callsTo('downloadFile').map((c) => c.status)).toEqual([401]);
    expect(h.dmTexts(ANN).join('\n')).toMatch(/late\.jpg: .*401/);
    expect(formOf(await h.send(composeFetchTask(h.env, { from: ANN })))).not.toContain('"id":"alt_0"');
  });

  it('an image left out is not published; problems go next to the image they concern', async () => {
    const { sandbox } = await setUp();
    const files = [jpeg(1080, 1080), jpeg(1080, 1080, { progressive: true })];
    await h.send(withImages(files));
    const data = {
      action: 'submit',
      text: 'One picture',
      networks: 'sandbox',
      date: '',
      time: '',
      mediaUrl: '',
      images: files.map(sha).join(','),
      keep_0: 'false',
      keep_1: 'true',
    };
    const tooLong = await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...data, alt_1: 'x'.repeat(1001) } }));
    const form = formOf(tooLong);
    expect(form).toMatch(/1,000 characters/);
    // Re-shown with only the kept image, whose problem is next to its (now first) field.
    expect(form).toContain(`"images":"${sha(files[1]!)}"`);
    expect(await h.app.greenlight.getPost(1)).toBeUndefined();

    await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...data, alt_1: 'The one we keep' } }));
    await h.app.settled();
    const card = h.cards().at(-1)!;
    await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: 1 } }));
    await h.app.settled();
    expect(sandbox.posted[0]!.images).toEqual([{ sha256: sha(files[1]!), alt: 'The one we keep' }]);
  });

  it('editing only one image’s alt text is a new revision that needs approval again, and keeps the images', async () => {
    const { sandbox } = await setUp();
    const files = [jpeg(1080, 1080), jpeg(1080, 1350)];
    await h.send(withImages(files));
    const images = files.map(sha).join(',');
    const base = {
      action: 'submit',
      text: 'Two pictures',
      networks: 'sandbox',
      date: '',
      time: '',
      mediaUrl: '',
      images,
      keep_0: 'true',
      keep_1: 'true',
    };
    await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...base, alt_0: 'First', alt_1: 'Second' } }));
    await h.app.settled();
    const card = h.cards().at(-1)!;
    const first = (await h.app.greenlight.getPost(1))!;
    await h.send(
      adaptiveCardAction(h.env, {
        from: ALICE,
        on: card,
        verb: 'requestChanges',
        data: { postId: 1, revisionId: first.revision.id, changes: 'Better alt text, please' },
      }),
    );
    await h.app.settled();

    // Edit draft: the form lists the post's images with their alt text.
    const opened = await h.send({
      ...personalMessage(h.env, { from: ANN, text: '' }),
      type: 'invoke',
      name: 'task/fetch',
      value: { data: { commandId: 'editDraft', postId: 1, revisionId: first.revision.id } },
    } as TeamsActivity);
    const form = formOf(opened);
    expect(form).toContain('"value":"Second"');
    expect(form).toContain(images);
    await h.send({
      ...personalMessage(h.env, { from: ANN, text: '' }),
      type: 'invoke',
      name: 'task/submit',
      value: { data: { ...base, postId: 1, revisionId: first.revision.id, alt_0: 'First', alt_1: 'A tall photo of tulips' } },
    } as TeamsActivity);
    await h.app.settled();
    const edited = (await h.app.greenlight.getPost(1))!;
    expect(edited.revision.number).toBe(2);
    expect(edited.revision.contentHash).not.toBe(first.revision.contentHash);
    expect(edited.revision.images.map((i) => [i.sha256, i.alt])).toEqual([
      [sha(files[0]!), 'First'],
      [sha(files[1]!), 'A tall photo of tulips'],
    ]);
    expect(edited.post.status).toBe('pending');
    expect(sandbox.posted).toHaveLength(0);

    // The old card's Approve counts for nothing; the new revision's does.
    await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: first.revision.id } }));
    await h.app.settled();
    expect(sandbox.posted).toHaveLength(0);
    await h.send(
      adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: edited.revision.id } }),
    );
    await h.app.settled();
    expect(sandbox.posted.map((p) => p.images)).toEqual([
      [
        { sha256: sha(files[0]!), alt: 'First' },
        { sha256: sha(files[1]!), alt: 'A tall photo of tulips' },
      ],
    ]);
  });

  it('a form naming an image Greenlight does not hold for this person publishes no image', async () => {
    await setUp();
    const data = {
      action: 'submit',
      text: 'Sneaky',
      networks: 'sandbox',
      date: '',
      time: '',
      mediaUrl: '',
      images: 'a'.repeat(64),
      keep_0: 'true',
      alt_0: 'x',
    };
    await h.send(composeSubmitAction(h.env, { from: ANN, data }));
    expect((await h.app.greenlight.getPost(1))!.revision.images).toEqual([]);
  });

  it('an image elsewhere than the Bot Framework is not fetched, and the author hears why', async () => {
    await setUp();
    const message = personalMessage(h.env, { from: ANN, text: '' });
    await h.send({
      ...message,
      attachments: [{ contentType: 'image/png', contentUrl: 'http://169.254.169.254/latest/meta-data' }],
    } as TeamsActivity);
    await h.app.settled();
    expect(h.fake.callsTo('getAttachment')).toHaveLength(0);
    expect(h.dmTexts(ANN).join('\n')).toMatch(/not taken: Greenlight takes images pasted into your message or attached to it/);
  });
});
