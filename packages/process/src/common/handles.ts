// Passing primitives to children, the way Python pickles a Lock into Process(args=(lock,)).
//
// A primitive that can cross into a child implements `[reduce](ctx)`: it returns a serialisable
// Reduction — its `kind`, the URL of the module that knows how to rebuild it, and plain `data` —
// plus what the runtime must carry `beside` the message (a socket for Node's handle passing, a
// MessagePort to transfer for Deno, the child's stdio for Bun). In the child, the module is imported (which registers its
// reviver) and `revive(data, ctx)` rebuilds a working primitive.
import type { Channel } from "./types.ts";

export const reduce: unique symbol = Symbol.for("workshop.reduce") as never;

export interface Reduction {
  kind: string;
  /** URL of the module whose import registers the reviver for `kind` (usually import.meta.url). */
  module: string;
  data: unknown;
  /** What must travel beside the message, in the runtime's own way (see Beside). */
  beside?: Beside;
}

/**
 * What a runtime carries beside the message — each runtime has its own way, and a primitive
 * built on one runtime's mechanism uses that one:
 * - Node `{ handle }`: one net.Socket / net.Server sent with the IPC message (handle passing);
 *   the reviver gets it back as `ctx.handle`.
 * - Deno `{ transfer }`: MessagePorts / ArrayBuffers moved into the worker rather than copied.
 * - Bun `{ stdio }`: what the child's own stdin / stdout must be, given to `Bun.spawn` as is
 *   ("pipe", another child's stdout, a ReadableStream). The Bun backend reduces before it spawns,
 *   so this can shape the spawn; at most one argument may claim each stream.
 */
export type Beside = { handle: unknown } | { transfer: unknown[] } | { stdio: SpawnStdio };

/** A child's standard streams as a primitive asks for them (Bun: stdio wired like a shell `|`). */
export interface SpawnStdio {
  stdin?: unknown;
  stdout?: unknown;
}

/** What the parent offers a primitive while reducing it for one particular child. */
export interface ReduceContext {
  child: { id: string; name: string };
  /** A private channel to that child, tagged so it never sees Process's own messages. */
  channel(tag: string): Channel;
  /** Called once when that child exits (or is killed): e.g. a lock server releases its lock. */
  onExit(listener: (exitCode: number | null) => void): void;
  /**
   * Called once the child is running, with the runtime's own object for it (Node: ChildProcess,
   * Deno: Worker, Bun: Subprocess) — e.g. to read the stdout a `beside: { stdio }` asked for.
   */
  onSpawn(listener: (child: unknown) => void): void;
}

/** What the child offers a reviver. */
export interface ReviveContext {
  /** The child's end of the tagged channel to the parent. */
  channel(tag: string): Channel;
  /** Node: the socket or server that travelled beside the message. */
  handle?: unknown;
}

export interface Reducible {
  [reduce](ctx: ReduceContext): Reduction | Promise<Reduction>;
}

export type Reviver = (data: never, ctx: ReviveContext) => unknown;

const revivers = new Map<string, Reviver>();

/** Register how to rebuild a primitive of this kind in a child (call at module top level). */
export function registerReviver<D>(kind: string, reviver: (data: D, ctx: ReviveContext) => unknown): void {
  revivers.set(kind, reviver as Reviver);
}

export function isReducible(x: unknown): x is Reducible {
  return typeof x === "object" && x !== null && typeof (x as Partial<Reducible>)[reduce] === "function";
}

/** An argument as it travels: either a plain value, or a pointer to a reduction. */
export type WireArg = { value: unknown } | { reduction: Omit<Reduction, "beside">; hasHandle: boolean };

export async function reduceArgs(
  args: unknown[],
  ctx: ReduceContext,
): Promise<{ wire: WireArg[]; handles: unknown[]; transfer: unknown[]; stdio: SpawnStdio }> {
  const wire: WireArg[] = [];
  const handles: unknown[] = [];
  const transfer: unknown[] = [];
  const stdio: SpawnStdio = {};
  for (const arg of args) {
    if (!isReducible(arg)) {
      wire.push({ value: arg });
      continue;
    }
    const { beside, ...reduction } = await arg[reduce](ctx);
    const handle = beside && "handle" in beside ? beside.handle : undefined;
    wire.push({ reduction, hasHandle: handle !== undefined });
    if (handle !== undefined) handles.push(handle);
    if (beside && "transfer" in beside) transfer.push(...beside.transfer);
    const s = beside && "stdio" in beside ? beside.stdio : undefined;
    for (const stream of ["stdin", "stdout"] as const) {
      if (s?.[stream] === undefined) continue;
      if (stdio[stream] !== undefined) throw new Error(`two arguments of ${ctx.child.name} both want its ${stream}: a child has only one`);
      stdio[stream] = s[stream];
    }
  }
  return { wire, handles, transfer, stdio };
}

/** In the child: rebuild each argument; `handles` arrive in the same order they were reduced. */
export async function reviveArgs(wire: WireArg[], handles: unknown[], channel: (tag: string) => Channel): Promise<unknown[]> {
  const args: unknown[] = [];
  let nextHandle = 0;
  for (const arg of wire) {
    if ("value" in arg) {
      args.push(arg.value);
      continue;
    }
    const { kind, module, data } = arg.reduction;
    await import(module);
    const reviver = revivers.get(kind);
    if (!reviver) throw new Error(`no reviver registered for "${kind}" by ${module}: call registerReviver("${kind}", ...) at its top level`);
    const handle = arg.hasHandle ? handles[nextHandle++] : undefined;
    args.push(await reviver(data as never, { channel, handle }));
  }
  return args;
}
