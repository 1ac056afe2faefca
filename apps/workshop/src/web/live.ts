// What the page shows live: the grading of the open cell, as it happens. It hears every grading of
// this process (grading.ts → watchGradings: the same gradeStarter the terminal uses, whoever asked
// for it — a save, the page's button, watch mode's keys), keeps the latest state for pages that
// connect later, and tells every connected page (server-sent events) each change.
import { type Cell, repoPath, reportStrings, STATUS, scenariosOf, summarisePayloads, targetFile, type Verdict } from "@workshop/harness";
import { type Grading, watchGradings } from "../grading.ts";
import { HtmlReport, paintedHtml } from "./render.ts";
import { buildTimeline, type Timeline } from "./timeline/model.ts";

/** A scenario's line on the page. */
export interface Row {
  scenario: string;
  title: string;
  /** A verdict status, or "pending" while it runs. */
  status: Verdict["status"] | "pending";
  mark: string;
  words: string;
  colour: string;
  ms?: number;
  /** Skipped / not run: why. */
  note?: string;
  accidental?: boolean;
  /** How many journal events it has (0: no picture to draw). */
  events: number;
}

export interface LiveState {
  cell: string;
  /** Counts gradings: a page asks for a timeline of this one. */
  gen: number;
  phase: "idle" | "grading" | "graded" | "done" | "cancelled";
  rows: Row[];
  total: number;
  /** The harness's report (summary and first failure), as HTML. */
  report?: string;
  /** Type errors, as HTML, when they come. */
  types?: string;
  passed?: boolean;
  ms?: number;
  /** The starter does not exist (HTML). */
  missing?: string;
}

export type Send = (event: string, data: unknown) => void;

const KEEP_GENERATIONS = 2;

export class Live {
  state: LiveState;
  private readonly subscribers = new Set<Send>();
  private readonly verdicts = new Map<number, Map<string, Verdict>>();
  private readonly stop: () => void;
  private gen = 0;

  constructor(first: Cell) {
    this.state = { cell: first.id, gen: 0, phase: "idle", rows: [], total: 0 };
    this.stop = watchGradings({
      begin: (c) => this.begin(c),
      verdict: (c, v) => this.verdict(c, v),
      graded: (c, g) => this.graded(c, g),
      end: (c, g) => this.end(c, g),
    });
  }

  subscribe(send: Send): () => void {
    this.subscribers.add(send);
    return () => void this.subscribers.delete(send);
  }

  close(): void {
    this.stop();
    this.subscribers.clear();
  }

  /** The picture of one scenario of a recent grading. */
  timeline(gen: number, scenario: string): Timeline | undefined {
    const v = this.verdicts.get(gen)?.get(scenario);
    return v ? buildTimeline(v) : undefined;
  }

  /** Tell every page (a page whose connection broke is dropped by its own stream). */
  broadcast(event: string, data: unknown): void {
    for (const send of this.subscribers) send(event, data);
  }

  private begin(c: Cell): void {
    const gen = ++this.gen;
    this.verdicts.set(gen, new Map());
    for (const old of this.verdicts.keys()) if (old <= gen - KEEP_GENERATIONS) this.verdicts.delete(old);
    const changed = c.id !== this.state.cell;
    this.state = { cell: c.id, gen, phase: "grading", rows: [], total: 0 };
    if (changed) this.broadcast("cell", { cell: c.id });
    this.broadcast("grading", this.state);
    // Every scenario's line at once, waiting: the page shows what is coming.
    void scenariosOf(c)
      .then((scenarios) => {
        if (this.state.gen !== gen) return;
        this.state.total = scenarios.length;
        for (const s of scenarios)
          if (!this.state.rows.some((r) => r.scenario === s.name))
            this.state.rows.push({ scenario: s.name, title: summarisePayloads(s.title), status: "pending", mark: "…", words: "", colour: "dim", events: 0 });
        this.broadcast("rows", { gen, rows: this.state.rows, total: this.state.total });
      })
      .catch(() => {});
  }

  private verdict(c: Cell, v: Verdict): void {
    if (c.id !== this.state.cell) return;
    const gen = this.state.gen;
    this.verdicts.get(gen)?.set(v.scenario, v);
    const row = rowOf(v);
    const at = this.state.rows.findIndex((r) => r.scenario === v.scenario);
    if (at >= 0) this.state.rows[at] = row;
    else this.state.rows.push(row);
    this.broadcast("verdict", { gen, row });
  }

  private graded(c: Cell, g: Grading): void {
    if (c.id !== this.state.cell) return;
    const total = this.state.total || g.verdicts.length;
    // Scenario order, as the report lists them (they finish in any order).
    this.state.rows = g.verdicts.map(rowOf);
    this.state.report = new HtmlReport().end(g.verdicts, total, g.ms);
    this.state.phase = "graded";
    this.state.ms = g.ms;
    this.broadcast("graded", this.state);
  }

  private end(c: Cell, g: Grading): void {
    if (c.id !== this.state.cell) return;
    if (g.cancelled) this.state.phase = "cancelled";
    else {
      this.state.phase = "done";
      this.state.passed = g.passed;
      if (g.missing) this.state.missing = paintedHtml(reportStrings.missingStarter(repoPath(targetFile(c, "starter")), c.id));
      if (g.typeErrors?.length)
        this.state.types = new HtmlReport().types(
          g.typeErrors,
          targetFile(c, "starter"),
          g.runs.every((run) => run.every((v) => v.status === "pass" || v.status === "skipped")),
        );
    }
    this.broadcast("done", this.state);
    this.broadcast("progress", {});
  }
}

function rowOf(v: Verdict): Row {
  const s = STATUS[v.status];
  return {
    scenario: v.scenario,
    title: summarisePayloads(v.title),
    status: v.status,
    mark: s.mark,
    words: v.status === "pass" && v.accidental ? reportStrings.accidental : s.words,
    colour: s.colour,
    ms: v.status === "skipped" || v.status === "notrun" ? undefined : v.durationMs,
    note: v.status === "skipped" || v.status === "notrun" ? (v.message ?? "") : undefined,
    accidental: v.accidental,
    events: v.events.filter((e) => e.k !== "log" && e.k !== "pid").length,
  };
}
