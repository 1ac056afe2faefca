// The servers a chapter needs, started for one run and stopped after it. A chapter lists them in
// its package.json (`"workshop": { "services": ["redis"] }`); chapter 04 grades a Queue on a real
// Redis. Each run gets its own `redis-server`: a free port on 127.0.0.1, its own folder in the run
// dir, no persistence (a scenario that wants it turns it on with CONFIG SET, and CONFIG REWRITE
// keeps it across a restart), so runs never see each other's streams. `REDIS_URL` in the
// harness's environment points every run at an existing server instead (nothing is started).
// Without redis-server on the machine, startServices throws ServiceMissing: the run is reported
// as skipped, with how to install it — never passed.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { delimiter, join } from "node:path";
import { type Cell, chapterInfo } from "./cells.ts";
import { expectRun } from "./groups.ts";
import { RUN_MARKER } from "./processes.ts";

export interface Services {
  /** Added to the runtime's environment (REDIS_URL=redis://127.0.0.1:<port>). */
  env: Record<string, string>;
  /** Extra Deno permissions to reach them (an existing server's host:port); none for the run's own server. */
  denoPermissions: string[];
  /** Stops what was started (and waits for it to exit); idempotent. */
  stop(): Promise<void>;
}

/** A service the chapter needs is not installed: grade nothing, say how to get it. */
export class ServiceMissing extends Error {
  override name = "ServiceMissing";
  constructor(
    readonly service: string,
    readonly install: string,
  ) {
    super(`${service} is not installed, and this chapter runs on a real one: ${install}`);
  }
}

/** How long a fresh redis-server may take to answer PING (it takes ~0.1 s). */
const READY_MS = 10_000;

const NONE: Services = { env: {}, denoPermissions: [], stop: () => Promise.resolve() };

/** Start every service the cell's chapter lists, for the run in `runDir`. */
export async function startServices(cell: Cell, runDir: string): Promise<Services> {
  const wanted = (chapterInfo(cell.chapter) as { services?: string[] }).services ?? [];
  if (!wanted.length) return NONE;
  const started: Services[] = [];
  try {
    for (const service of wanted) {
      if (service !== "redis")
        throw new Error(`${cell.chapter}/package.json lists the service "${service}", which the harness does not know (it knows: redis)`);
      started.push(await startRedis(runDir));
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return {
    env: Object.assign({}, ...started.map((s) => s.env)),
    denoPermissions: started.flatMap((s) => s.denoPermissions),
    stop: async () => {
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}

/** One redis-server for this run — or the one REDIS_URL names. (`exe`: where redis-server is; null: nowhere.) */
export async function startRedis(runDir: string, exe: string | null = findRedisServer() ?? null): Promise<Services> {
  const existing = process.env.REDIS_URL;
  if (existing) return { env: { REDIS_URL: existing }, denoPermissions: netPermission(existing), stop: () => Promise.resolve() };
  if (!exe)
    throw new ServiceMissing(
      "redis-server",
      "install it (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`), or set REDIS_URL to a Redis server you run",
    );
  const dir = join(runDir, "redis");
  mkdirSync(dir, { recursive: true });
  let lastLog = "";
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const conf = join(dir, "redis.conf");
    // A config file, not flags: CONFIG REWRITE (a scenario turning persistence on) needs one, and
    // DEBUG CRASH-AND-RECOVER restarts the server from it.
    writeFileSync(
      conf,
      ["bind 127.0.0.1", `port ${port}`, `dir "${dir}"`, 'save ""', "appendonly no", 'logfile ""', "databases 1", "enable-debug-command local", ""].join("\n"),
    );
    expectRun(runDir); // a harness killed with SIGKILL still has this server reaped (it carries the run's marker)
    const server = spawn(exe, [conf], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, [RUN_MARKER]: runDir } });
    let log = "";
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-8_192);
    };
    server.stdout?.on("data", keep);
    server.stderr?.on("data", keep);
    const exited = new Promise<void>((resolve) => server.once("close", () => resolve()));
    server.once("error", (err) => keep(Buffer.from(`could not start ${exe}: ${err.message}\n`)));
    const ready = await untilReady(port, exited);
    if (ready) {
      const url = `redis://127.0.0.1:${port}`;
      return { env: { REDIS_URL: url }, denoPermissions: [], stop: () => stopServer(server, exited) };
    }
    await stopServer(server, exited);
    lastLog = log;
    // Another process took the port between our probe and the server's bind: try another one.
    if (attempt < 3 && /address already in use/i.test(log)) continue;
    throw new Error(`redis-server did not start (${exe} ${conf}):\n${lastLog.trim().split("\n").slice(-8).join("\n")}`);
  }
}

/** The absolute path of redis-server (DEBUG CRASH-AND-RECOVER re-executes it by that path), if installed. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"];
  for (const d of dirs) {
    if (!d.startsWith("/")) continue;
    const file = join(d, "redis-server");
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Deno's permission to reach an existing server: its host and port. */
function netPermission(url: string): string[] {
  try {
    const u = new URL(url);
    return u.hostname ? [`--allow-net=${u.hostname}:${u.port || 6379}`] : [];
  } catch {
    return [];
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** PING until PONG (true), or until the server exits or READY_MS pass (false). */
async function untilReady(port: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = performance.now() + READY_MS;
  while (!gone && performance.now() < deadline) {
    if (await ping(port)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

async function stopServer(server: ChildProcess, exited: Promise<void>): Promise<void> {
  if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL"); // nothing in it is worth keeping
  await exited;
}
