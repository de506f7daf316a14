// Wall-clock strings that several stages need for every request, worked out once per millisecond: under load
// many requests share a millisecond, and Date's formatting is a runtime call each time.

let isoMs = -1;
let iso = '';

/** `new Date(ms).toISOString()`, remembered for the last millisecond asked for. */
export function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    iso = new Date(ms).toISOString();
  }
  return iso;
}

let hexMs = -1;
let hex = '';

/** The time in ms as 12 hex digits (sortable), remembered for the last millisecond asked for. */
export function hexTime(ms: number): string {
  if (ms !== hexMs) {
    hexMs = ms;
    hex = ms.toString(16).padStart(12, '0');
  }
  return hex;
}
