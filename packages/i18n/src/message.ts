// A learner-facing sentence as data: a catalogue key and its named parameters. Scenarios and the
// runner build these inside the runtimes under test (Node, Deno, Bun) and never translate them;
// the harness renders them in Node (core.ts render). Nothing here imports anything, so every
// runtime and the web page can load it.

/** `{ key: "lock:counter.lostUpdates", params: { expected: 1000, got: 731 } }` */
export interface Message {
  key: string;
  params?: Record<string, unknown>;
}

/** A catalogue key: `<namespace>:<path>`, no spaces ("harness:deadlock.stalled"). */
const KEY = /^[a-z][\w-]*:[\w-]+(?:\.[\w-]+)*$/i;

export const isKey = (text: string): boolean => KEY.test(text);

/** A message to render later; a param may itself be one (rendered first, in the same language). */
export function msg(key: string, params?: Record<string, unknown>): Message {
  return params === undefined ? { key } : { key, params };
}

export function isMessage(value: unknown): value is Message {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Message).key === "string" &&
    isKey((value as Message).key) &&
    ((value as Message).params === undefined || typeof (value as Message).params === "object")
  );
}

/**
 * A message as one line of text, for the places only text can travel (an Error's message across a
 * process boundary, a journal mark): `lock:counter.lostUpdates {"expected":1000,"got":731}`.
 * Readable by a developer as it is; decodeMessage gives the message back.
 */
export function encodeMessage(m: Message): string {
  return m.params === undefined || Object.keys(m.params).length === 0 ? m.key : `${m.key} ${JSON.stringify(m.params)}`;
}

/** The message an encodeMessage text stands for; undefined for any other text (a plain sentence). */
export function decodeMessage(text: string | undefined): Message | undefined {
  if (!text) return undefined;
  const space = text.indexOf(" ");
  const key = space < 0 ? text : text.slice(0, space);
  if (!isKey(key)) return undefined;
  if (space < 0) return { key };
  try {
    const params = JSON.parse(text.slice(space + 1)) as unknown;
    return typeof params === "object" && params !== null && !Array.isArray(params) ? { key, params: params as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}
