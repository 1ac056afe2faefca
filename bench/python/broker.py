"""Chapter 04 benchmark, the Python side: multiprocessing.Queue — one machine, no broker — measured
exactly as chapter 03's (bench/python/queue.py, loaded from its file), with chapter 04's item
counts: the broker's table puts the cost of a round trip to a server beside a queue that never
leaves the machine. (A Python client of the same Redis stream would need redis-py, which the
workshop does not install.) Prints one JSON object."""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]  # queue.py must not shadow `queue`
spec = importlib.util.spec_from_file_location("queue_bench", os.path.join(HERE, "queue.py"))
queue_bench = importlib.util.module_from_spec(spec)
sys.modules["queue_bench"] = queue_bench
spec.loader.exec_module(queue_bench)

ITEMS_1X1 = 5_000
PER_PRODUCER_3X3 = 2_000

if __name__ == "__main__":
    one = queue_bench.items_per_sec(1, 1, ITEMS_1X1)
    three = queue_bench.items_per_sec(3, 3, PER_PRODUCER_3X3)
    print(json.dumps({"itemsPerSec1x1": one, "itemsPerSec3x3": three}))
