"""Chapter 01 benchmark in Python: locked increments per second with multiprocessing.Lock + Value.
Same shape as bench/lock.ts: each worker loops for a fixed time. Prints one JSON object."""
import json
import time
from multiprocessing import Event, Lock, Process, Value

DURATION = 1.0


def increment_for(lock, counter, done, ready, go, seconds):
    ready.set()
    go.wait()
    until = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < until:
        with lock:
            counter.value += 1
        n += 1
    with done.get_lock():
        done.value += n


def run(workers):
    lock = Lock()
    counter = Value("i", 0, lock=False)  # the Lock above guards it, as in the TypeScript
    done = Value("i", 0)
    go = Event()
    readies = [Event() for _ in range(workers)]
    procs = [Process(target=increment_for, args=(lock, counter, done, r, go, DURATION)) for r in readies]
    for p in procs:
        p.start()
    for r in readies:
        r.wait()
    go.set()
    for p in procs:
        p.join()
    assert counter.value == done.value, (counter.value, done.value)
    return round(done.value / DURATION)


if __name__ == "__main__":
    print(json.dumps({"incrementsPerSec1": run(1), "incrementsPerSec4": run(4)}))
