// services.ts: a chapter that lists "redis" gets a redis-server of its own per run, reached by
// REDIS_URL, gone after stop(); REDIS_URL in the environment is used as it is; without
// redis-server the harness learns it as ServiceMissing (the run is skipped, saying how to install it).
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cell } from "../src/cells.ts";
import { findRedisServer, ServiceMissing, startRedis, startServices } from "../src/services.ts";

const dirs: string[] = [];
const runDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "services-test-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Send one inline command, resolve with the first line of the reply (or the error's code). */
function ask(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.setTimeout(2_000, () => socket.destroy(new Error("timeout")));
    socket.once("error", (err) => resolve((err as { code?: string }).code ?? err.message));
    socket.once("connect", () => socket.write(`${command}\r\n`));
    socket.once("data", (chunk) => {
      socket.destroy();
      resolve(chunk.toString("latin1").split("\r\n")[0]!);
    });
  });
}

describe.skipIf(process.env.REDIS_URL)("services", () => {
  it("starts nothing for a chapter that lists no service", async () => {
    const services = await startServices(cell("03-queue/node"), runDir());
    expect(services.env).toEqual({});
    await services.stop();
  });

  it.skipIf(!findRedisServer())("starts a redis-server of the run's own for a chapter that lists redis, and stops it", async () => {
    const services = await startServices(cell("04-broker/node"), runDir());
    const url = services.env.REDIS_URL!;
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(services.denoPermissions).toEqual([]); // 127.0.0.1 is in the chapter's own permissions
    expect(await ask(url, "PING")).toBe("+PONG");
    expect(await ask(url, "CONFIG GET save")).toBe("*2"); // (its value, "", is on the next lines)
    await services.stop();
    expect(await ask(url, "PING")).toBe("ECONNREFUSED");
    await services.stop(); // idempotent
  });

  it("says ServiceMissing, with how to install it, when there is no redis-server", async () => {
    const err = await startRedis(runDir(), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceMissing);
    expect((err as Error).message).toMatch(/apt-get install redis-server.*brew install redis/);
  });
});

describe("services with REDIS_URL", () => {
  it("uses the server REDIS_URL names and starts none", async () => {
    const before = process.env.REDIS_URL;
    process.env.REDIS_URL = "redis://broker.example:6380";
    try {
      const services = await startRedis(runDir(), null); // not even needed: nothing is started
      expect(services.env).toEqual({ REDIS_URL: "redis://broker.example:6380" });
      expect(services.denoPermissions).toEqual(["--allow-net=broker.example:6380"]);
      await services.stop();
    } finally {
      if (before === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = before;
    }
  });
});
