/**
 * Calendar days in a named zone, as UTC instants, daylight-saving aware: "yesterday in
 * Europe/Berlin" on the day clocks change is 23 or 25 hours long. Pure Intl, no process TZ.
 */
const partFormatters = new Map<string, Intl.DateTimeFormat>();

function parts(instant: Date, zone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let f = partFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormatters.set(zone, f);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of f.formatToParts(instant)) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms. */
export function zoneOffsetMs(instant: Date, zone: string): number {
  const p = parts(instant, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a wall-clock time happens in `zone` (for a time skipped by DST, the moment after the gap). */
export function zonedToInstant(year: number, month: number, day: number, hour: number, minute: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - zoneOffsetMs(new Date(wall), zone);
  guess = wall - zoneOffsetMs(new Date(guess), zone);
  return new Date(guess);
}

/** Local midnight starting the day `instant` falls on in `zone`, moved by `offsetDays` days. */
export function startOfLocalDay(instant: Date, zone: string, offsetDays = 0): Date {
  const p = parts(instant, zone);
  const date = new Date(Date.UTC(p.year, p.month - 1, p.day + offsetDays));
  return zonedToInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), 0, 0, zone);
}

/** "Mon 2 Mar": a day label in `zone`. */
export function dayLabel(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' }).format(instant);
}
