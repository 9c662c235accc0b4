import type { ModalView } from '@slack/types';
import type { PostAggregate } from '../../../../domain/post.js';
import { EDITABLE, STATUS_PHRASES } from '../../../../workflows/post-lifecycle.js';
import { cardImageUrls } from '../../../card-image-urls.js';
import { buildFullTextModal } from '../../blocks/full-text-modal.js';
import { buildImagesModal } from '../../blocks/images-modal.js';
import { privateNotice } from '../../blocks/messages.js';
import { editDraftDialog } from '../../draft-dialog.js';
import { ACTION, decodeRef } from '../../ids.js';
import { SlackPeople } from '../../slack-people.js';
import { afterAck, type SlackDeps } from '../deps.js';
import { buttonValue, clickContext } from './click-context.js';
import type { ListenerTable } from '../listener-table.js';

/** Edit draft (in the author's DM), Show full text (on long cards), Images & alt text, and link buttons. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.action(ACTION.editDraft, async ({ ack, body }) => {
    await ack();
    const where = clickContext(body);
    await afterAck(deps, where, 'opening your draft', async () => {
      const ref = decodeRef(buttonValue(body));
      const post = ref && (await deps.gl.getPost(ref.postId));
      if (!post) return deps.notices.ephemeral(where.userId, where.channelId, privateNotice('That post no longer exists.'));
      const person = await deps.people.identify(where.userId);
      if (post.post.authorId !== person.id) {
        return deps.notices.ephemeral(where.userId, where.channelId, privateNotice(`Only the author can edit post #${post.post.id}.`));
      }
      if (!EDITABLE.includes(post.post.status)) {
        return deps.notices.ephemeral(
          where.userId,
          where.channelId,
          privateNotice(`Post #${post.post.id} can no longer be edited: it is ${STATUS_PHRASES[post.post.status]}.`),
        );
      }
      await deps.client.views.open({ trigger_id: where.triggerId, view: editDraftDialog(deps, post, SlackPeople.zoneOf(person)) });
    });
  });

  /** A button on a card that shows more of its post in a modal, for whoever clicks it. */
  const showsPost = (actionId: string, doing: string, view: (post: PostAggregate) => Promise<ModalView> | ModalView) =>
    listeners.action(actionId, async ({ ack, body }) => {
      await ack();
      const where = clickContext(body);
      await afterAck(deps, where, doing, async () => {
        const ref = decodeRef(buttonValue(body));
        const post = ref && (await deps.gl.getPost(ref.postId));
        if (!post) return deps.notices.ephemeral(where.userId, where.channelId, privateNotice('That post no longer exists.'));
        await deps.client.views.open({ trigger_id: where.triggerId, view: await view(post) });
      });
    });

  showsPost(ACTION.fullText, 'showing the full text', (post) => buildFullTextModal(post.post.id, post.revision.number, post.revision.text));
  showsPost(ACTION.images, 'showing the images', async (post) => {
    const { images } = post.revision;
    return buildImagesModal(post.post.id, post.revision.number, images, await cardImageUrls(deps.gl, images, images.length));
  });

  // A link button opens its URL in the browser; Slack still tells the app, which must acknowledge.
  listeners.action(ACTION.openLink, async ({ ack }) => ack());
}
