import { describe, expect, it } from 'vitest';
import { cardByteSize, checkAdaptiveCard, TEAMS_CARD_MAX_BYTES } from '../../support/adaptive-cards.js';

/** A 1.5 card with what Greenlight's draft form and approval card use. */
const draftForm = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  refresh: { action: { type: 'Action.Execute', verb: 'refreshCard', data: { postId: 'p1' } }, userIds: ['29:approver'] },
  body: [
    { type: 'TextBlock', text: 'Draft a post', style: 'heading', wrap: true },
    { type: 'Input.Text', id: 'text', label: 'Text', isMultiline: true, maxLength: 3000, isRequired: true, errorMessage: 'Write the post' },
    {
      type: 'Input.ChoiceSet',
      id: 'networks',
      label: 'Networks',
      isMultiSelect: true,
      style: 'expanded',
      choices: [
        { title: 'Sandbox', value: 'sandbox' },
        { title: 'Mastodon', value: 'mastodon' },
      ],
    },
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'stretch', items: [{ type: 'Input.Date', id: 'date', label: 'Date (Europe/Berlin)', min: '2025-01-01' }] },
        { type: 'Column', width: 'stretch', items: [{ type: 'Input.Time', id: 'time', label: 'Time' }] },
      ],
    },
    { type: 'Input.Text', id: 'imageUrl', label: 'Image URL', style: 'Url' },
    { type: 'FactSet', facts: [{ title: 'X', value: '42/280' }] },
  ],
  actions: [
    { type: 'Action.Execute', title: 'Submit for approval', verb: 'submitDraft', data: { draftId: 'd1' }, style: 'positive' },
    { type: 'Action.Execute', title: 'Suggest captions', verb: 'suggestCaptions', associatedInputs: 'auto' },
    {
      type: 'Action.ShowCard',
      title: 'Request changes',
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: 'comment', label: 'What should change?', isRequired: true, errorMessage: 'Say what to change' }],
        actions: [{ type: 'Action.Execute', title: 'Send', verb: 'requestChanges' }],
      },
    },
  ],
  msteams: { width: 'Full' },
};

describe('checkAdaptiveCard', () => {
  it('a valid 1.5 card with Action.Execute, text, multi-select expanded choices, date and time: no errors, no warnings', () => {
    const check = checkAdaptiveCard(draftForm);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.bytes).toBe(Buffer.byteLength(JSON.stringify(draftForm)));
    expect(check.bytes).toBeLessThan(TEAMS_CARD_MAX_BYTES);
  });

  it('accepts the card as JSON text too', () => {
    expect(checkAdaptiveCard(JSON.stringify(draftForm)).errors).toEqual([]);
    expect(checkAdaptiveCard('{"type":').errors).toEqual([
      { phase: 'structure', event: 'InvalidJson', message: expect.stringMatching(/^not JSON: /) },
    ]);
  });

  it('an unknown element type and missing required properties are errors, said where', () => {
    const check = checkAdaptiveCard({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Input.Txt', id: 'typo' },
        { type: 'Input.Text', label: 'No id' },
        { type: 'Input.ChoiceSet', id: 'networks', label: 'Networks', isMultiSelect: true, style: 'expanded' },
      ],
      actions: [
        { type: 'Action.OpenUrl', title: 'Open' },
        { type: 'Action.ShowCard', title: 'More' },
      ],
    });
    expect(check.errors).toEqual([
      { phase: 'parse', event: 'UnknownElementType', message: 'Unknown element type "Input.Txt". Fallback will be used if present.' },
      { phase: 'parse', event: 'PropertyCantBeNull', message: expect.stringMatching(/card/i), source: 'Action.ShowCard' },
      { phase: 'validation', event: 'PropertyCantBeNull', message: 'All inputs must have a unique Id.', source: 'Input.Text' },
      {
        phase: 'validation',
        event: 'CollectionCantBeEmpty',
        message: 'An Input.ChoiceSet must have at least one choice defined.',
        source: 'Input.ChoiceSet#networks',
      },
      { phase: 'validation', event: 'PropertyCantBeNull', message: 'Property "url" must be set.', source: 'Action.OpenUrl' },
    ]);
  });

  it('duplicate ids, bad enum values and unknown actions are errors; unlabelled required inputs are warnings', () => {
    const check = checkAdaptiveCard({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'x', size: 'huge' },
        { type: 'Input.Text', id: 'a', label: 'A' },
        { type: 'Input.Text', id: 'a', isRequired: true },
      ],
      actions: [{ type: 'Action.Approve', title: 'Approve' }],
    });
    expect(check.errors.map((e) => e.event)).toEqual(['InvalidPropertyValue', 'UnknownActionType', 'DuplicateId']);
    expect(check.warnings.map((w) => [w.event, w.source])).toEqual([
      ['RequiredInputsShouldHaveLabel', 'Input.Text#a'],
      ['RequiredInputsShouldHaveErrorMessage', 'Input.Text#a'],
    ]);
  });

  it('the root must say it is an AdaptiveCard and which version, no newer than the target', () => {
    expect(checkAdaptiveCard({ body: [] }).errors).toEqual([
      { phase: 'structure', event: 'MissingCardType', message: 'type: must be "AdaptiveCard" (got undefined)' },
      { phase: 'structure', event: 'PropertyCantBeNull', message: 'version: required, e.g. "1.5"' },
    ]);
    expect(checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.6', body: [] }).errors).toEqual([
      { phase: 'structure', event: 'UnsupportedCardVersion', message: 'version: 1.6 is newer than 1.5, the version checked for' },
    ]);
    expect(checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.6', body: [] }, { targetVersion: '1.6' }).errors).toEqual([]);
    expect(checkAdaptiveCard([]).errors.map((e) => e.message)).toEqual(['a card must be a JSON object']);
  });

  it('features newer than the version the card declares, or than 1.5, are reported', () => {
    // Table is 1.5: a card declaring 1.4 cannot count on it.
    const table = { type: 'Table', columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [] }] }] };
    expect(checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [table] }).errors).toEqual([]);
    expect(checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.4', body: [table] }).errors.map((e) => e.event)).toEqual([
      'UnknownElementType',
    ]);
    // label is 1.3
    expect(checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.2', body: [{ type: 'Input.Text', id: 'a', label: 'A' }] }).errors).toEqual(
      [
        {
          phase: 'parse',
          event: 'UnsupportedProperty',
          message: 'Property "label" is supported in version 1.3, but you are using version 1.2.',
          source: 'Input.Text#a',
        },
      ],
    );
    // Carousel is 1.6
    expect(
      checkAdaptiveCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Carousel', pages: [] }] }).errors.map((e) => e.event),
    ).toEqual(['UnknownElementType']);
  });

  it('sizes: UTF-8 bytes of the JSON, and the same without data: URIs', () => {
    const image = `data:image/png;base64,${'A'.repeat(30_000)}`;
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Image', url: image, altText: 'Engagement, last 7 days' },
        { type: 'TextBlock', text: 'Grüße' },
      ],
    };
    const size = cardByteSize(card);
    expect(size.bytes).toBe(Buffer.byteLength(JSON.stringify(card)));
    expect(size.bytes - size.bytesWithoutDataUris).toBe(image.length);
    expect(size.bytes).toBeGreaterThan(TEAMS_CARD_MAX_BYTES);
    expect(size.bytesWithoutDataUris).toBeLessThan(200);
    expect(checkAdaptiveCard(card)).toMatchObject({ errors: [], ...size });
  });
});
