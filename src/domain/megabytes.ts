/**
 * File sizes as marketers read them. Limits are configured in megabytes (MEDIA_MAX_MB) and
 * networks publish theirs the same way, both meaning 1,048,576 bytes, so one unit is used
 * throughout and a figure in a message matches the figure in the setting.
 */

export const MiB = 1024 * 1024;

/** "9.4 MB". A size is rounded up and a limit down, so they never look equal when one exceeds the other. */
export function formatMegabytes(bytes: number, round: 'up' | 'down'): string {
  const tenths = (bytes / MiB) * 10;
  const value = (round === 'up' ? Math.ceil(tenths - 1e-9) : Math.floor(tenths + 1e-9)) / 10;
  return `${value} MB`;
}
