// The picture of what the processes did, from a verdict's journal (web/timeline): lanes, waiting
// apart from holding, messages matched from the send to the receive that got them, and where it
// broke — derived from the events where they show it, else the crash, else the end of the run.
// Journals here are written by hand, as the scenarios' traced() and mark() write them.
import type { Verdict } from "@workshop/harness";
import { expect, test } from "vitest";
import { buildTimeline } from "../src/web/timeline/model.ts";
import { renderTimeline, ticks, timeLabel } from "../src/web/timeline/svg.ts";

type Line = Verdict["events"][number];
const T = 1_800_000_000_000; // a wall-clock origin, as the journal's times are

function verdict(status: Verdict["status"], events: Line[], message = ""): Verdict {
  const workers = [...new Set(events.flatMap((e) => (e.k === "proc" ? [e.child] : [])))].map((id) => ({
    id,
    name: (events.find((e) => e.k === "proc" && e.child === id) as { name: string }).name,
    exitCode: 0,
    last: [],
  }));
  return {
    cell: "01-lock/deno",
    file: "starter.ts",
    scenario: "s",
    title: "a scenario",
    status,
    message,
    durationMs: 1,
    workers,
    output: [],
    runtimeOutput: "",
    events,
  };
}
const start = (child: string, name: string, t: number): Line => ({ k: "proc", t: T + t, w: "main", child, name, what: "start" });
const exit = (child: string, name: string, t: number, code: number | null = 0): Line => ({ k: "proc", t: T + t, w: "main", child, name, what: "exit", code });
const begin = (w: string, op: string, t: number): Line => ({ k: "ev", t: T + t, w, op, ph: "begin" });
const end = (w: string, op: string, t: number, out = "ok"): Line => ({ k: "ev", t: T + t, w, op, ph: "end", out });
const mark = (w: string, op: string, t: number, out?: string): Line => ({ k: "ev", t: T + t, w, op, ph: "mark", out });

/** Two incrementers; w2's acquire returns while w1 is still inside. */
const twoHolders = [
  start("w1", "incrementer-1", 0),
  start("w2", "incrementer-2", 0.5),
  begin("w1", "acquire", 1),
  end("w1", "acquire", 2),
  mark("w1", "enter", 2.1),
  begin("w2", "acquire", 3),
  end("w2", "acquire", 3.2),
  mark("w2", "enter", 3.3),
  mark("w1", "leave", 5),
  begin("w1", "release", 5.1),
  end("w1", "release", 5.2),
  mark("w2", "leave", 6),
  begin("w2", "release", 6.1),
  end("w2", "release", 6.2),
  exit("w1", "incrementer-1", 7),
  exit("w2", "incrementer-2", 7.5),
];

test("holding is the time between enter and leave; a second holder inside is where it broke, at the moment it entered", () => {
  const m = buildTimeline(verdict("fail", twoHolders, "expected counter 2, got 1: incrementer-2 entered while incrementer-1 was still inside"));
  expect(m.lanes.map((l) => l.id)).toEqual(["main", "w1", "w2"]);
  const holds = m.spans.filter((s) => s.kind === "hold");
  expect(holds.map((h) => [h.lane, h.t0, h.t1])).toEqual([
    ["w1", 2.1, 5],
    ["w2", 3.3, 6],
  ]);
  expect(holds.every((h) => h.overlap)).toBe(true);
  expect(m.spans.filter((s) => s.kind === "wait").map((s) => [s.lane, s.op, s.t0, s.t1])).toEqual([
    ["w1", "acquire", 1, 2],
    ["w2", "acquire", 3, 3.2],
  ]);
  expect(m.broke).toMatchObject({ kind: "overlap", t: 3.3, lanes: ["w1", "w2"], from: 3.3, to: 5 });
  expect(m.broke?.text).toBe("two holders at once: w2 incrementer-2 entered while w1 incrementer-1 was still inside (for 1.2 ms)");
  expect(m.items[m.broke!.item!]).toMatchObject({ lane: "w2", kind: "hold" });
  expect(m.points.map((p) => p.kind)).toEqual(["start", "start", "exit", "exit"]);
});

test("a run that passed broke nothing: holds that seem to overlap there are two processes' clocks", () => {
  const m = buildTimeline(verdict("pass", twoHolders));
  expect(m.broke).toBeUndefined();
  expect(m.spans.some((s) => s.overlap)).toBe(false);
});

test("without enter/leave marks a lock is held from its acquire's ok to its release; a wait that never returned lasts until the run ended", () => {
  const events = [
    start("w1", "holder", 0),
    start("w2", "waiter", 0),
    begin("w1", "acquire lock 1 (timeout 900 ms)", 1),
    end("w1", "acquire lock 1 (timeout 900 ms)", 2),
    begin("w2", "acquire lock 1 (timeout 900 ms)", 3),
    begin("w1", "release lock 1", 8),
    end("w1", "release lock 1", 8.5),
    exit("w1", "holder", 9),
  ];
  const m = buildTimeline(verdict("deadlock", events, "deadlock suspected: waiter waiting in acquire"));
  expect(m.spans.find((s) => s.kind === "hold")).toMatchObject({ lane: "w1", t0: 2, t1: 8, out: "lock 1" });
  expect(m.spans.find((s) => s.lane === "w2")).toMatchObject({ kind: "wait", open: true, t0: 3, t1: 9 });
  expect(m.broke).toMatchObject({ kind: "end", t: 9 });
  expect(m.broke?.text).toContain("deadlock suspected");
});

test("messages: each receive is matched to the send it got, by what arrived; one that came where another was due is where it broke", () => {
  const events = [
    start("w1", "sender", 0),
    start("w2", "receiver", 0),
    begin("w1", "send #0", 1),
    end("w1", "send #0", 1.1),
    begin("w1", "send #1", 1.2),
    end("w1", "send #1", 1.3),
    begin("w1", "send #2", 1.4),
    end("w1", "send #2", 1.5),
    begin("w2", "recv #0", 1),
    end("w2", "recv #0", 2, '{"seq":0}'),
    begin("w2", "recv #1", 2.1),
    end("w2", "recv #1", 3, '{"seq":2}'),
  ];
  const m = buildTimeline(verdict("fail", events, "message #1 was lost"));
  expect(m.arrows.map((a) => [a.from, a.to, m.spans[a.send]!.op, m.spans[a.recv]!.op, Boolean(a.wrong)])).toEqual([
    ["w1", "w2", "send #0", "recv #0", false],
    ["w1", "w2", "send #2", "recv #1", true],
  ]);
  expect(m.broke).toMatchObject({ kind: "message", t: 3, lanes: ["w1", "w2"] });
  expect(m.broke?.text).toBe("w2 receiver's recv #1 got message 2 where 1 was due: message 1 never came");
  expect(m.items.find((i) => i.kind === "wait" && i.what.startsWith("recv #0"))?.note).toBe("arrived from w1 sender (send #0)");
});

test("where a receive says nothing of what it got, the send with the same label is its message; a queue's put N reaches the get that says got N", () => {
  const hello = buildTimeline(
    verdict("pass", [
      start("w1", "sender", 0),
      start("w2", "receiver", 0),
      begin("w1", "send", 1),
      end("w1", "send", 1.2),
      begin("w2", "recv", 0.5),
      end("w2", "recv", 2, '"Hello"'),
    ]),
  );
  expect(hello.arrows).toHaveLength(1);
  expect(hello.arrows[0]).toMatchObject({ from: "w1", to: "w2", t0: 1.2, t1: 2 });
  const queue = buildTimeline(
    verdict("pass", [
      start("w1", "producer", 0),
      start("w2", "consumer", 0),
      begin("w1", "put 4", 1),
      end("w1", "put 4", 1.1),
      begin("w1", "put 5", 1.2),
      end("w1", "put 5", 1.3),
      begin("w2", "get", 2),
      end("w2", "get", 2.5, "got 5"),
    ]),
  );
  expect(queue.arrows.map((a) => queue.spans[a.send]!.op)).toEqual(["put 5"]);
});

test("a crash is where it broke when the verdict says crash; marks and kills are points", () => {
  const events: Line[] = [
    start("w1", "worker", 0),
    mark("w1", "holding", 1),
    { k: "fault", t: T + 2, w: "w1", what: "crash", message: "TypeError: x is undefined\n    at starter.ts:3" },
    exit("w1", "worker", 3, -9),
  ];
  const m = buildTimeline(verdict("crash", events));
  expect(m.broke).toMatchObject({ kind: "fault", t: 2, lanes: ["w1"], text: "w1 worker crashed: TypeError: x is undefined" });
  expect(m.points.map((p) => p.kind)).toEqual(["start", "crash", "killed"]);
  expect(m.spans.find((s) => s.kind === "hold")).toMatchObject({ t0: 1, t1: 3, open: true });
});

test("the SVG: its own style for light and dark, a lane per process, a title per event, only what is in the window, names escaped", () => {
  const events = [...twoHolders, begin("w2", "recv <tag> & more", 6.5)];
  const m = buildTimeline(verdict("fail", events));
  const svg = renderTimeline(m, { from: 0, to: 8, width: 900, id: "t1" });
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/);
  expect(svg).toContain("@media (prefers-color-scheme:dark)");
  expect(svg).toContain("w1 incrementer-1");
  expect(svg.match(/class="ev hold[^"]*overlap/g)).toHaveLength(2);
  expect(svg).toContain("recv &lt;tag&gt; &amp; more");
  expect(svg).not.toContain("<tag>");
  expect(svg).toContain("✕ two holders at once");
  expect(svg).toContain("url(#t1-hatch)");
  const late = renderTimeline(m, { from: 6.3, to: 8, width: 900 });
  expect(late).not.toContain("acquire →"); // the acquires ended before the window
});

test("the time axis: round ticks, as many decimals as their step needs", () => {
  expect(ticks(0, 10, 5)).toEqual({ at: [0, 2, 4, 6, 8, 10], step: 2 });
  expect(timeLabel(2235.5, 0.5)).toBe("2235.5 ms");
  expect(timeLabel(3000, 500)).toBe("3.0 s");
  expect(timeLabel(0.25, 0.05)).toBe("0.25 ms");
});
