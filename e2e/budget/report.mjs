// The budget's table: one row per figure, with its goal and whether it is met, and the one
// switch that makes the test command fail (only where an issue made a budget a failing test).

const rows = [];
const failures = [];

/** Records a figure against its goal. */
export function report(name, value, goal, ok) {
  rows.push({ name, value, goal, ok });
}

/** Records a figure that is also a hard limit: over it, the test command fails. */
export function limit(name, value, goal, ok, withinLimit, limitText) {
  report(name, value, `${goal}; fails ${limitText}`, ok);
  if (!withinLimit) failures.push(`${name}: ${value} (fails ${limitText})`);
}

/** Marks the run failed for a reason that is not a row (a page error, say). */
export function fail(reason) {
  failures.push(reason);
}

/** Prints every row and the failures; returns whether the budget passed. */
export function printAll() {
  for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'OVER'} ${r.name}: ${r.value} [goal ${r.goal}]`);
  for (const f of failures) console.log(`FAIL ${f}`);
  return failures.length === 0;
}

export const KB = 1024;
export const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
