/**
 * Slack's users.info reports `tz_label` and `tz_offset` for the user's zone *as of now*
 * (they change with daylight saving), so derive them from the IANA zone at call time
 * instead of seeding numbers that go stale twice a year.
 */
export function describeTimeZone(tz: string, at: Date): { tz_label: string; tz_offset: number } {
  const part = (timeZoneName: 'long' | 'longOffset') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const tz_offset = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60) : 0;
  return { tz_label: part('long'), tz_offset };
}
