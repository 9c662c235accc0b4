/** Dates and times as a person in an IANA zone reads and types them (Slack's pickers use the person's zone). */

const partsOf = (at: Date, zone: string) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );

/** `{ date: 'YYYY-MM-DD', time: 'HH:mm' }` for an instant in `zone`. */
export function localParts(at: Date, zone: string): { date: string; time: string } {
  const p = partsOf(at, zone);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** The instant a person in `zone` means by a date and a time; undefined when either is malformed. */
export function instantFromLocal(date: string, time: string, zone: string): Date | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  // Two passes settle the zone's offset at that wall time (DST edges included).
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = partsOf(new Date(guess), zone);
    const shown = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
    guess += wall - shown;
  }
  return new Date(guess);
}
