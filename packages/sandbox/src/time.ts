/** Provider dates: `YYYY-MM-DD HH:MM:SS` in Europe/Paris (the provider's zone). */
const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

export function parisWallClock(epochMs: number): WallClock {
  const out: Record<string, string> = {};
  for (const part of parisParts.formatToParts(epochMs)) out[part.type] = part.value;
  return {
    year: out.year ?? '',
    month: out.month ?? '',
    day: out.day ?? '',
    hour: out.hour ?? '',
    minute: out.minute ?? '',
    second: out.second ?? '',
  };
}

export function formatProviderDateTime(epochMs: number): string {
  const w = parisWallClock(epochMs);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}

/** Vonage's `scts`: `YYMMDDhhmm` (here in Europe/Paris, like every other sandbox date). */
export function formatScts(epochMs: number): string {
  const w = parisWallClock(epochMs);
  return `${w.year.slice(2)}${w.month}${w.day}${w.hour}${w.minute}`;
}
