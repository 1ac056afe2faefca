// What ends a process against the scenario's plan — an uncaught error, an unhandled rejection, a
// call to process.exit / Deno.exit from the code under test — is written to the journal, with its
// stack, before the process goes: the verdict can then say "crash" or "exited early", and where,
// instead of "exit code 1" or a deadlock. The same in the top process and in every child.
import process from "node:process";
import { currentProcess } from "./identity.ts";
import { now, write } from "./journal.ts";

type Exit = (code?: number) => never;
const deno = (globalThis as { Deno?: { exit: Exit } }).Deno;

/** The exits as they were before anything patched them: the workshop's own exits use these. */
const exitBefore = { process: process.exit.bind(process) as Exit, deno: deno?.exit.bind(deno) };

/** End this process on purpose (the runner when it is done, a child after reporting). */
export function realExit(code = 0): never {
  // In Deno, node:process's exit calls Deno.exit: use Deno's own, or the patched one loops.
  return (exitBefore.deno ?? exitBefore.process)(code);
}

/** Any thrown value in one line, without throwing while describing it. */
export function describeThrown(err: unknown): { message: string; stack?: string } {
  try {
    if (err instanceof Error) return { message: `${err.name}: ${err.message}`, stack: err.stack };
    if (err === null || typeof err !== "object") return { message: `a thrown ${typeof err === "string" ? JSON.stringify(err) : String(err)}` };
    return { message: `a thrown ${JSON.stringify(err) ?? String(err)}` };
  } catch {
    return { message: "a thrown value that cannot be described" };
  }
}

/**
 * Make an uncaught error or unhandled rejection a recorded crash: journal it, then `onFatal`
 * (which reports and ends the process). Node and Bun raise `process` events; Deno, in its main
 * thread and in workers alike, dispatches `error` / `unhandledrejection` on the global scope.
 */
export function watchCrashes(onFatal: (message: string, stack?: string) => void): void {
  const fatal = (err: unknown, how: string) => {
    const { message, stack } = describeThrown(err);
    const text = `${how}: ${message}`;
    write({ k: "fault", t: now(), w: currentProcess().id, what: "crash", message: text, stack });
    onFatal(text, stack);
  };
  if (deno) {
    globalThis.addEventListener("error", (event) => {
      event.preventDefault();
      fatal((event as ErrorEvent).error ?? (event as ErrorEvent).message, "uncaught error");
    });
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      fatal((event as Event & { reason?: unknown }).reason, "unhandled rejection");
    });
  } else {
    process.on("uncaughtException", (err) => fatal(err, "uncaught error"));
    process.on("unhandledRejection", (reason) => fatal(reason, "unhandled rejection"));
  }
}

/**
 * Record every process.exit / Deno.exit made by the code under test (with the caller's stack),
 * then exit as asked. `exit` is how this process really ends (a Deno worker posts its code first).
 */
export function watchExits(exit: Exit = realExit): void {
  const recorded: Exit = (code?: number) => {
    const stack = new Error("exit").stack?.split("\n").slice(2).join("\n");
    const name = deno ? "Deno.exit" : "process.exit";
    write({ k: "fault", t: now(), w: currentProcess().id, what: "exit", message: `${name}(${code ?? ""}) called`, stack, code: code ?? 0 });
    return exit(code);
  };
  process.exit = recorded;
  if (deno) Object.defineProperty(deno, "exit", { value: recorded, configurable: true });
}
