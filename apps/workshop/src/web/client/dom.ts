// A small helper to build elements: h("button", { class: "x", onclick: f }, "text").
type Attr = string | number | boolean | undefined | ((e: Event) => void);
type Child = Node | string | undefined | false | null;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, Attr> = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== false && child !== null) el.append(child);
  return el;
}

/** Trusted HTML from our own server (rendered Markdown, the report): parsed into a fragment. */
export function html(markup: string): DocumentFragment {
  return document.createRange().createContextualFragment(markup);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** The children that are there (conditional ones may be undefined). */
export function present(...children: (Node | string | undefined | false)[]): (Node | string)[] {
  return children.filter((c): c is Node | string => c !== undefined && c !== false);
}
