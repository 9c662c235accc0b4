/** Every network Greenlight knows. `sandbox` publishes nowhere and is always available. */
export const NETWORK_IDS = ['sandbox', 'x', 'linkedin', 'facebook', 'instagram', 'pinterest', 'mastodon', 'bluesky', 'youtube'] as const;

export type NetworkId = (typeof NETWORK_IDS)[number];

export const NETWORK_LABELS: Record<NetworkId, string> = {
  sandbox: 'Sandbox',
  x: 'X',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  pinterest: 'Pinterest',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  youtube: 'YouTube',
};

export function isNetworkId(value: string): value is NetworkId {
  return (NETWORK_IDS as readonly string[]).includes(value);
}
