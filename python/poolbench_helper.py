"""poolbench's Python side: Python's own pools, driven by poolbench in the same run.

poolbench starts one helper per measured cell:

    python poolbench_helper.py serve --pool POOL --workers W

and speaks JSON lines with it over stdin/stdout, so that starting the interpreter, importing
Pillow and starting the pool stay outside the timed batches (like a Rust pool's start-up):

    -> {"op": "prepare", "workload": "thumbnail", "tasks": 32, "form": {...}}
    <- {"ok": true}
    -> {"op": "run"}
    <- {"batch_ns": 41000000,
        "outcomes": [[checksum, error, enqueued_ns, started_ns, finished_ns], ...],
        "phases": {"tasks": 32, "phases": [["read", 0.0012], ...]} or null}

"batch_ns" is the time of the pool's `map` alone, which poolbench records as the sample:
writing and reading these JSON lines is poolbench's cost, not the pool's.
    -> {"op": "check", "workload": "py-task", "form": {...}}
    <- {"ok": true, "first": "repr of FUNCTION(0)"}   (before a --py-task run: imports, calls
                                                       the user's function once, pickles it)
    -> {"op": "quit"}            (or end of input)

The replies go to the helper's own copy of its standard output; file descriptor 1 itself is
pointed at standard error, so a user's function that prints cannot break the protocol.

"form" is the workload as poolbench built it, every value worked out (file names, URLs, the
delay of each task, the expected sum): see `Workload::foreign_form` in poolbench-core. Each
task returns the same checksum the Rust task computes, so poolbench verifies Python's outputs
against its sequential oracle exactly as it verifies every Rust model's.

The workloads are in `poolbench_workloads.py`, beside this file. The pools are the ones the
seed articles use (`POOLS` below). Times are `perf_counter_ns`,
CLOCK_MONOTONIC on Linux: one clock for the helper and every worker process it forks.

`python poolbench_helper.py probe` prints the versions poolbench records, as JSON.
"""

import json
import multiprocessing
import multiprocessing.dummy
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from poolbench_workloads import WORKLOADS, Image, features

# The workload of this process: set in the helper by "prepare", and in each worker process by
# the pool's initializer (and inherited through fork).
WORKLOAD = None


def install(name, form):
    global WORKLOAD
    WORKLOAD = WORKLOADS[name](form)


def task(i):
    """One task, in whichever thread or process the pool runs it: never raises, so that one
    failing task cannot stop a `map`."""
    started = time.perf_counter_ns()
    try:
        checksum, phases = WORKLOAD.run(i)
        error = None
    except Exception as e:  # a task's failure is its own outcome
        checksum, phases, error = None, None, f"{type(e).__name__}: {e}"
    return checksum, error, started, time.perf_counter_ns(), phases


def indexed_task(i):
    return i, task(i)


def ping(_):
    return os.getpid()


# ---------------------------------------------------------------------------------------------
# The pools: how each runs a batch of N tasks on W workers. Process pools are started in
# "prepare" with the workload installed by their initializer, and pinged until every worker
# is up, so no timed batch pays for a fork.


class Sequential:
    """A plain loop: Python's baseline."""

    def __init__(self, workers, name, form):
        pass

    def map(self, n):
        return [task(i) for i in range(n)]

    def close(self):
        pass


class DummyPool:
    """multiprocessing.dummy.Pool(W).map: threads behind multiprocessing's API (seed S1).
    map's default chunksize: ceil(N / (4 W)) tasks per hand-over."""

    def __init__(self, workers, name, form):
        self.pool = multiprocessing.dummy.Pool(workers)
        self.workers = workers

    def map(self, n):
        return self.pool.map(task, range(n))

    def close(self):
        self.pool.terminate()


class ProcessPool(DummyPool):
    """multiprocessing.Pool(W).map: W worker processes (seeds S2, S4), default start method
    (fork on Linux), default chunksize ceil(N / (4 W))."""

    def __init__(self, workers, name, form):
        self.pool = multiprocessing.Pool(workers, initializer=install, initargs=(name, form))
        self.pool.map(ping, range(workers), chunksize=1)


class ImapUnordered(DummyPool):
    """multiprocessing.dummy.Pool(W).imap_unordered (seed S3): results in completion order,
    each carrying its index (poolbench puts them back in input order to verify them)."""

    def map(self, n):
        results = [None] * n
        for i, outcome in self.pool.imap_unordered(indexed_task, range(n)):
            results[i] = outcome
        return results


class ThreadExecutor:
    """concurrent.futures.ThreadPoolExecutor(W).map (seeds S3, S4, S6, S7, S8)."""

    def __init__(self, workers, name, form):
        self.executor = ThreadPoolExecutor(max_workers=workers)

    def map(self, n):
        return list(self.executor.map(task, range(n)))

    def close(self):
        self.executor.shutdown(wait=False, cancel_futures=True)


class ProcessExecutor(ThreadExecutor):
    """concurrent.futures.ProcessPoolExecutor(W).map (seeds S6, S7, S8): chunksize 1, its
    default, so every task is its own round trip to a worker."""

    def __init__(self, workers, name, form):
        self.executor = ProcessPoolExecutor(
            max_workers=workers, initializer=install, initargs=(name, form)
        )
        list(self.executor.map(ping, range(workers)))


POOLS = {
    "sequential": Sequential,
    "dummy-pool": DummyPool,
    "pool": ProcessPool,
    "imap-unordered": ImapUnordered,
    "thread-executor": ThreadExecutor,
    "process-executor": ProcessExecutor,
}


# ---------------------------------------------------------------------------------------------
# The protocol loop.


# Where replies go: standard output as the helper started, kept aside by `serve`.
PROTOCOL = sys.stdout


def reply(message):
    PROTOCOL.write(json.dumps(message) + "\n")
    PROTOCOL.flush()


def keep_protocol_apart():
    """Keeps a copy of standard output for the replies and points descriptor 1 (and with it
    `print`, C code and the pool's forked workers) at standard error."""
    global PROTOCOL
    PROTOCOL = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)


def run_batch(pool, tasks):
    start = time.perf_counter_ns()
    results = pool.map(tasks)
    batch_ns = time.perf_counter_ns() - start
    outcomes = []
    totals, counted = None, 0
    for checksum, error, started, finished, phases in results:
        outcomes.append([checksum, error, 0, max(0, started - start), max(0, finished - start)])
        if phases is not None:
            totals = list(phases) if totals is None else [a + b for a, b in zip(totals, phases)]
            counted += 1
    phase_times = None
    if totals is not None:
        names = type(WORKLOAD).PHASES
        phase_times = {"tasks": counted, "phases": [list(p) for p in zip(names, totals)]}
    return {"batch_ns": batch_ns, "outcomes": outcomes, "phases": phase_times}


def serve(pool_name, workers):
    keep_protocol_apart()
    pool, tasks = None, 0
    reply({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        try:
            if op == "prepare":
                if pool is not None:
                    pool.close()
                    pool = None
                install(request["workload"], request["form"])
                tasks = request["tasks"]
                pool = POOLS[pool_name](workers, request["workload"], request["form"])
                reply({"ok": True})
            elif op == "run":
                reply(run_batch(pool, tasks))
            elif op == "check":
                install(request["workload"], request["form"])
                reply({"ok": True, "first": WORKLOAD.check()})
            elif op == "quit":
                break
            else:
                reply({"error": f"unknown request {op!r}"})
        except Exception as e:
            reply({"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()})
    if pool is not None:
        pool.close()


def probe():
    info = {
        "executable": sys.executable,
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "start_method": multiprocessing.get_start_method(),
        "pillow": None,
        "libjpeg_turbo": None,
    }
    if Image is not None:
        import PIL

        info["pillow"] = PIL.__version__
        info["libjpeg_turbo"] = features.version("libjpeg_turbo")
    print(json.dumps(info))


def main(argv):
    if len(argv) >= 1 and argv[0] == "probe":
        probe()
        return 0
    if len(argv) == 5 and argv[0] == "serve" and argv[1] == "--pool" and argv[3] == "--workers":
        if argv[2] not in POOLS:
            print(f"unknown pool {argv[2]!r} (accepted: {', '.join(POOLS)})", file=sys.stderr)
            return 2
        serve(argv[2], int(argv[4]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
