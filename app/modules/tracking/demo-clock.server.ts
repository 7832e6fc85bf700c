// The offline demo plays 60 days in a few minutes, so the mail client it simulates says when it
// opened or clicked, in the X-Joren-Demo-Time header. Only a server started for the demo
// (JOREN_DEMO_CLOCK=1: app/cli/commands/demo.ts, tests/integration/demo.test.ts) reads it;
// everywhere else the header is ignored and the app's clock rules. A labelled fake behind the
// mail endpoints' `now` port (MailEndpointDeps.now), never a way to stamp the future (the app's
// future: a server started with JOREN_TEST_CLOCK compares with its own time, platform/time/clock.server).
import { appNow } from "~/modules/platform/time/clock.server";

export const DEMO_TIME_HEADER = "x-joren-demo-time";

export function demoClock(
  request: Request,
  env: Record<string, string | undefined> = process.env,
): (() => Date) | undefined {
  if (env.JOREN_DEMO_CLOCK !== "1") return undefined;
  const value = request.headers.get(DEMO_TIME_HEADER);
  if (!value) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime()) || at.getTime() > appNow().getTime()) return undefined;
  return () => at;
}
