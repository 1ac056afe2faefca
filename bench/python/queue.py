"""Chapter 03 benchmark in Python: items per second through multiprocessing.Queue.
Same shape as bench/queue.ts: timing starts when every process is up (a start barrier) and ends
when every consumer has seen the end, so process start-up is not counted. Prints one JSON object."""
import json
import os
import sys
import time

# This file is named queue.py, which would shadow the standard `queue` module that multiprocessing
# imports: take its own directory off the import path first.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

from multiprocessing import Event, Process, Queue  # noqa: E402

ITEMS_1X1 = 20_000
PER_PRODUCER_3X3 = 10_000
STOP = None  # the sentinel: Python's Queue has no close-for-readers, so each consumer gets one


def produce(q, ready, go, start, count):
    ready.set()
    go.wait()
    for i in range(start, start + count):
        q.put(i)


def consume(q, ready, counts):
    ready.set()
    n = 0
    while q.get() is not STOP:
        n += 1
    counts.put(n)


def items_per_sec(producers, consumers, per_producer):
    q, counts, go = Queue(), Queue(), Event()
    procs = []
    for _ in range(consumers):
        ready = Event()
        procs.append((Process(target=consume, args=(q, ready, counts)), ready, False))
    for i in range(producers):
        ready = Event()
        procs.append((Process(target=produce, args=(q, ready, go, i * per_producer, per_producer)), ready, True))
    for p, _, _ in procs:
        p.start()
    for _, ready, _ in procs:
        ready.wait()
    t0 = time.perf_counter()
    go.set()
    for p, _, is_producer in procs:
        if is_producer:
            p.join()
    for _ in range(consumers):
        q.put(STOP)
    total = sum(counts.get() for _ in range(consumers))
    for p, _, _ in procs:
        p.join()
    seconds = time.perf_counter() - t0
    assert total == producers * per_producer, (total, producers * per_producer)
    return round(total / seconds)


if __name__ == "__main__":
    print(json.dumps({"itemsPerSec1x1": items_per_sec(1, 1, ITEMS_1X1), "itemsPerSec3x3": items_per_sec(3, 3, PER_PRODUCER_3X3)}))
