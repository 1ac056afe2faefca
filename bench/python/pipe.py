"""Chapter 02 benchmark in Python: round trips per second and MiB/s through multiprocessing.Pipe.
Same shape as bench/pipe.ts: two processes share one duplex Pipe; timing starts when both are up
(a start barrier). Prints one JSON object."""
import json
import time
from multiprocessing import Event, Pipe, Process

ROUND_TRIPS = 5_000
WARMUP = 200
BLOCKS = 64
BLOCK_BYTES = 1 << 20


def driver(conn, results, ready, go):
    ready.set()
    go.wait()
    for i in range(WARMUP):
        conn.send(i)
        conn.recv()
    t0 = time.perf_counter()
    for i in range(ROUND_TRIPS):
        conn.send(i)
        assert conn.recv() == i
    round_trips = ROUND_TRIPS / (time.perf_counter() - t0)
    conn.send("blocks")
    block = bytes([7]) * BLOCK_BYTES
    t0 = time.perf_counter()
    for _ in range(BLOCKS):
        conn.send(block)
    assert conn.recv() == BLOCKS
    mib = BLOCKS * BLOCK_BYTES / (1 << 20) / (time.perf_counter() - t0)
    conn.close()
    results.send({"round trips/s": round(round_trips), "MiB/s, 1 MiB messages": round(mib, 1)})


def echo_then_sink(conn, ready):
    ready.set()
    while True:
        msg = conn.recv()
        if msg == "blocks":
            break
        conn.send(msg)
    total = sum(len(conn.recv()) for _ in range(BLOCKS))
    assert total == BLOCKS * BLOCK_BYTES
    conn.send(BLOCKS)


if __name__ == "__main__":
    a, b = Pipe()
    results_in, results_out = Pipe(duplex=False)
    go = Event()
    ready_a, ready_b = Event(), Event()
    procs = [
        Process(target=driver, args=(a, results_out, ready_a, go)),
        Process(target=echo_then_sink, args=(b, ready_b)),
    ]
    for p in procs:
        p.start()
    a.close()  # the children have their own copies now
    b.close()
    results_out.close()
    ready_a.wait()
    ready_b.wait()
    go.set()
    figures = results_in.recv()
    for p in procs:
        p.join()
    print(json.dumps(figures))
