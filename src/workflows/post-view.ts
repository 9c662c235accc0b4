/**
 * What a chat card shows about a post, as plain data. Slack's Block Kit and Teams'
 * Adaptive Cards both render this one model, so they always say the same thing.
 */
import { NETWORK_LABELS, type NetworkId } from '../domain/network.js';
import {
  textFor,
  type Decision,
  type Person,
  type PostAggregate,
  type PostImage,
  type PostStatus,
  type PostVideo,
  type YouTubeDetails,
} from '../domain/post.js';
import type { PublicationStatus } from '../domain/publication.js';
import type { NetworkCatalog } from '../platforms/catalog.js';
import { approvalsOnCurrentRevision, remainingApprovals, type ApprovalPolicy } from './approval-policy.js';
import { STATUS_LABELS } from './post-lifecycle.js';

export interface NetworkUsage {
  network: NetworkId;
  label: string;
  used: number;
  limit: number;
  unit: string;
  ok: boolean;
}

export interface PublicationView {
  network: NetworkId;
  label: string;
  status: PublicationStatus;
  url: string | null;
  error: string | null;
  dueAt: Date;
}

export interface PostView {
  id: number;
  status: PostStatus;
  statusLabel: string;
  author: Person;
  revisionId: number;
  revisionNumber: number;
  text: string;
  networks: NetworkUsage[];
  mediaUrl: string | null;
  /** Uploaded images, in the order they are published, with their alt text. */
  images: PostImage[];
  /** An uploaded video (then there are no images). */
  video: PostVideo | null;
  /** YouTube's own fields, when the post goes to YouTube. */
  youtube: YouTubeDetails | null;
  /** Networks that get their own text instead of `text`, in the order of `networks`. */
  variants: Array<{ network: NetworkId; label: string; text: string }>;
  publishAt: Date | null;
  publishZone: string;
  aiAssisted: boolean;
  submittedAt: Date;
  /** Decisions on the revision shown. */
  approvals: Decision[];
  /** The decision that ended the review of this revision, if any. */
  verdict: Decision | null;
  requiredApprovals: number;
  remainingApprovals: number;
  /** Buttons make sense: someone can still decide on this revision. */
  decidable: boolean;
  publications: PublicationView[];
}

/** Usage of every chosen network's budget by `text`, counted the way each network counts. */
export function networkUsage(text: string, networks: readonly NetworkId[], catalog: NetworkCatalog): NetworkUsage[] {
  return networks
    .filter((n) => catalog.has(n))
    .map((network) => {
      const usage = catalog.rules(network).measure(text);
      return { network, label: NETWORK_LABELS[network], ...usage, ok: usage.used <= usage.limit };
    });
}

export function describePost(post: PostAggregate, catalog: NetworkCatalog, policy: ApprovalPolicy): PostView {
  const onRevision = post.decisions.filter((d) => d.revisionId === post.revision.id);
  const verdict = onRevision.find((d) => d.kind !== 'approve') ?? null;
  return {
    id: post.post.id,
    status: post.post.status,
    statusLabel: STATUS_LABELS[post.post.status],
    author: post.author,
    revisionId: post.revision.id,
    revisionNumber: post.revision.number,
    text: post.revision.text,
    // Each network's count is of the text it will get: its own where it has one.
    networks: post.revision.networks.flatMap((n) => networkUsage(textFor(post.revision, n), [n], catalog)),
    mediaUrl: post.revision.mediaUrl,
    images: post.revision.images,
    video: post.revision.video ?? null,
    youtube: post.revision.youtube ?? null,
    variants: post.revision.networks
      .filter((n) => post.revision.variants[n] !== undefined)
      .map((network) => ({ network, label: NETWORK_LABELS[network], text: post.revision.variants[network]! })),
    publishAt: post.post.publishAt,
    publishZone: post.post.publishZone,
    aiAssisted: post.revision.aiAssisted,
    submittedAt: post.revision.createdAt,
    approvals: approvalsOnCurrentRevision(post),
    verdict,
    requiredApprovals: policy.requiredApprovals,
    remainingApprovals: remainingApprovals(post, policy),
    decidable: post.post.status === 'pending',
    publications: post.publications
      .filter((p) => p.status !== 'cancelled')
      .map((p) => ({
        network: p.network,
        label: NETWORK_LABELS[p.network],
        status: p.status,
        url: p.url,
        error: p.lastError,
        // A retry waiting is due at its retry time, not at the time already passed.
        dueAt: p.status === 'scheduled' && p.nextAttemptAt ? p.nextAttemptAt : p.dueAt,
      })),
  };
}
