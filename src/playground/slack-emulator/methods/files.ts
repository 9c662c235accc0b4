import { detectImageType } from '../../../domain/image-format.js';
import { fail, invalidArguments, ok } from '../results.js';
import type { FakeFile, FakeFileInfo } from '../state.js';
import { resolveChannel, stringArg, type MethodContext, type MethodHandler } from '../workspace.js';
import { newMessage, postToChannel } from './chat.js';

/**
 * files.uploadV2 in @slack/web-api is three steps: files.getUploadURLExternal per file,
 * a POST of the bytes to the returned upload_url (served by this fake, see server.ts),
 * then one files.completeUploadExternal sharing them to a channel/thread.
 */
export function uploadPath(fileId: string): string {
  return `/upload/v1/${fileId}`;
}

/**
 * Where a file's bytes are served (Slack's `url_private`, `url_private_download`): on this
 * fake's origin, readable only with the bot token, as files.slack.com is.
 */
export function privatePath(teamId: string, file: Pick<FakeFile, 'id' | 'filename'>, download = false): string {
  return `/files-pri/${teamId}-${file.id}/${download ? 'download/' : ''}${encodeURIComponent(file.filename)}`;
}

/** Slack's sign-in page: where files.slack.com sends a request without a valid token. */
export const LOGIN_PATH = '/signin';

/**
 * A file object as Slack puts it in files.info and in a file_input's view_submission state
 * (`state.values[block][action].files`): the documented fields a client reads.
 */
export function userFileObject(origin: string, teamId: string, file: FakeFile): Record<string, unknown> {
  const mimetype = file.mimetype ?? 'application/octet-stream';
  const filetype = file.filename.includes('.') ? file.filename.split('.').pop()!.toLowerCase() : 'binary';
  return {
    id: file.id,
    created: 1_700_000_000,
    timestamp: 1_700_000_000,
    name: file.filename,
    title: file.title ?? file.filename,
    mimetype,
    filetype,
    pretty_type: filetype.toUpperCase(),
    user: file.user,
    user_team: teamId,
    editable: false,
    size: file.bytes?.length ?? 0,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: false,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: `${origin}${privatePath(teamId, file)}`,
    url_private_download: `${origin}${privatePath(teamId, file, true)}`,
    ...(mimetype.startsWith('image/') ? { thumb_360: `${origin}${privatePath(teamId, file)}?thumb=360` } : {}),
    permalink: `https://${teamId.toLowerCase()}.slack.com/files/${file.user}/${file.id}/${file.filename}`,
    is_starred: false,
    has_rich_preview: false,
    file_access: 'visible',
  };
}

const getUploadUrl: MethodHandler = (ctx) => {
  const filename = stringArg(ctx.args, 'filename');
  const length = Number(ctx.args.length);
  if (filename === undefined || !Number.isInteger(length) || length < 0) {
    return invalidArguments([{ pointer: filename === undefined ? '/filename' : '/length', message: 'missing required field' }]);
  }
  const file: FakeFile = {
    id: ctx.ids.next('F'),
    filename,
    declaredLength: length,
    completed: false,
    ...(typeof ctx.args.alt_text === 'string' ? { alt_text: ctx.args.alt_text } : {}),
  };
  ctx.state.files.set(file.id, file);
  return ok({ upload_url: `${ctx.origin}${uploadPath(file.id)}`, file_id: file.id });
};

function fileInfo(ctx: MethodContext, file: FakeFile): FakeFileInfo {
  const permalink = `https://${ctx.workspace.teamDomain}.slack.com/files/${ctx.workspace.botUserId}/${file.id}/${file.filename}`;
  return {
    id: file.id,
    name: file.filename,
    title: file.title ?? file.filename,
    // Slack tells the type from the bytes.
    mimetype: file.mimetype ?? (file.bytes && detectImageType(file.bytes)) ?? 'application/octet-stream',
    size: file.bytes?.length ?? 0,
    permalink,
    url_private: `https://files.slack.com/files-pri/${ctx.workspace.teamId}-${file.id}/${file.filename}`,
  };
}

const completeUpload: MethodHandler = (ctx) => {
  const requested = ctx.args.files;
  if (!Array.isArray(requested) || requested.length === 0) {
    return invalidArguments([{ pointer: '/files', message: 'missing required field: files' }]);
  }
  const files: FakeFile[] = [];
  for (const entry of requested as Array<{ id?: unknown; title?: unknown }>) {
    const file = ctx.state.files.get(String(entry.id));
    // A file whose bytes never reached the upload URL cannot be completed.
    if (!file || file.bytes === undefined || file.completed) return fail('file_not_found');
    if (typeof entry.title === 'string') file.title = entry.title;
    files.push(file);
  }
  const channelArg = stringArg(ctx.args, 'channel_id') ?? stringArg(ctx.args, 'channels');
  const channel = channelArg === undefined ? undefined : resolveChannel(ctx, channelArg);
  if (channelArg !== undefined && channel === undefined) return fail('channel_not_found');
  const threadTs = stringArg(ctx.args, 'thread_ts');
  const comment = stringArg(ctx.args, 'initial_comment');
  for (const file of files) {
    file.completed = true;
    if (channel !== undefined) file.channel = channel;
    if (threadTs !== undefined) file.thread_ts = threadTs;
    if (comment !== undefined) file.initial_comment = comment;
  }
  const infos = files.map((f) => fileInfo(ctx, f));
  if (channel !== undefined) {
    // Sharing a file posts a message carrying it, in the channel or the thread.
    const message = newMessage(ctx, channel, comment !== undefined ? { text: comment } : {}, {
      files: infos,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    postToChannel(ctx, message);
  }
  return ok({ files: infos });
};

/** files.info: the file object (`file` argument), or file_not_found. */
const info: MethodHandler = (ctx) => {
  const id = stringArg(ctx.args, 'file');
  if (id === undefined) return invalidArguments([{ pointer: '/file', message: 'missing required field: file' }]);
  const file = ctx.state.files.get(id);
  if (!file || file.bytes === undefined) return fail('file_not_found');
  return ok({ file: userFileObject(ctx.origin, ctx.workspace.teamId, file), comments: [], response_metadata: { next_cursor: '' } });
};

export const fileMethods: Record<string, MethodHandler> = {
  'files.info': info,
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': completeUpload,
};
