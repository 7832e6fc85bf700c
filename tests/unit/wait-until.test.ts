import { waitUntil } from "../helpers/wait-until";

afterEach(() => {
  vi.useRealTimers();
});

test("waitUntil returns the first value that is not undefined, null or false, polling at the interval", async () => {
  vi.useFakeTimers();
  const answers: (string | null | false | undefined)[] = [undefined, null, false, "ready"];
  let calls = 0;
  const waiting = waitUntil(() => answers[calls++], { what: "the answer", timeoutMs: 1_000, intervalMs: 100 });
  await vi.advanceTimersByTimeAsync(300);
  await expect(waiting).resolves.toBe("ready");
  expect(calls).toBe(4);
});

test("waitUntil fails with what it waited for once the deadline has passed", async () => {
  vi.useFakeTimers();
  const waiting = waitUntil(() => undefined, { what: "the cart reminder", timeoutMs: 500, intervalMs: 100 });
  const failed = expect(waiting).rejects.toThrow("gave up after 500 ms waiting for the cart reminder");
  await vi.advanceTimersByTimeAsync(700);
  await failed;
});
