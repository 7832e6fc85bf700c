// How far along a history import stage is and how long it has left, from the lines applied
// since this run started the stage (a resumed run measures its own rate, not the dead one's).

export interface StageEstimate {
  /** lines applied per second in this run, 0 until something was applied */
  linesPerSecond: number;
  /** seconds until the stage's last line, null while the total or the rate is unknown */
  secondsLeft: number | null;
}

export function estimateStage(input: {
  linesDone: number;
  linesAtStart: number;
  objectCount: number | null;
  elapsedMs: number;
}): StageEstimate {
  const applied = input.linesDone - input.linesAtStart;
  const linesPerSecond = applied > 0 && input.elapsedMs > 0 ? applied / (input.elapsedMs / 1000) : 0;
  if (input.objectCount === null || linesPerSecond === 0) return { linesPerSecond, secondsLeft: null };
  return {
    linesPerSecond,
    secondsLeft: Math.max(0, Math.ceil((input.objectCount - input.linesDone) / linesPerSecond)),
  };
}

/** "about 3 min left" style text for the CLI (the admin page formats through i18n) */
export function formatSecondsLeft(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
