// Talking to the server: reads are plain GETs; changes carry the page's token (server.ts checks it).
const token = document.querySelector<HTMLMetaElement>('meta[name="workshop-token"]')?.content ?? "";

export async function get<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json", "x-workshop-token": token }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}
