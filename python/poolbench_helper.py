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

The pools are the ones the seed articles use (`POOLS` below). Times are `perf_counter_ns`,
CLOCK_MONOTONIC on Linux: one clock for the helper and every worker process it forks.

`python poolbench_helper.py probe` prints the versions poolbench records, as JSON.
"""

import hashlib
import importlib
import io
import json
import multiprocessing
import multiprocessing.dummy
import os
import pickle
import sys
import threading
import time
import traceback
import zlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

try:
    from PIL import Image, features
except ImportError:  # the probe reports it; thumbnail tasks fail with a clear message
    Image = None

MASK = (1 << 64) - 1

# ---------------------------------------------------------------------------------------------
# Checksums: exactly poolbench_core::mix and the workloads' values.


def mix(index, value):
    """splitmix64's finaliser over (index, value), as poolbench_core::mix."""
    z = (value ^ ((index * 0x9E3779B97F4A7C15) & MASK)) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def body_value(body):
    """CRC-32 of an HTTP body with its length above it (poolbench_workloads::body_value)."""
    return zlib.crc32(body) | (len(body) << 32)


def thumbnail_value(source, width, height):
    """CRC-32 of the input file with the thumbnail's size (poolbench_workloads::thumbnail_value)."""
    return zlib.crc32(source) | (width << 32) | (height << 48)


# ---------------------------------------------------------------------------------------------
# The workloads. Each is built from its form and has `run(i)` returning (checksum, phases).


class Noop:
    def __init__(self, form):
        pass

    def run(self, i):
        return mix(i, 0), None


class Sum:
    """Seed S7, as the article writes it: sum(range(n))."""

    def __init__(self, form):
        self.n = form["n"]
        self.expected = form["expected"]

    def run(self, i):
        total = sum(range(self.n)) & MASK
        if total != self.expected:
            raise ValueError(f"sum of 0..{self.n} gave {total}, expected {self.expected}")
        return mix(i, total), None


class Sleep:
    def __init__(self, form):
        self.delay_ns = form["delay_ns"]

    def run(self, i):
        time.sleep(self.delay_ns[i] / 1e9)
        return mix(i, self.delay_ns[i]), None


class Http:
    """GET one item over a kept-alive connection per thread (as the Rust clients reuse theirs);
    with save_dir, write the body to a file (seed S8)."""

    def __init__(self, form):
        self.prefix = form["prefix"]
        self.suffix = form["suffix"]
        self.timeout = form["timeout_s"]
        self.save_dir = form.get("save_dir")
        self.local = threading.local()

    def connection(self, host, port, fresh=False):
        conn = getattr(self.local, "conn", None)
        if fresh or conn is None:
            if conn is not None:
                conn.close()
            conn = HTTPConnection(host, port, timeout=self.timeout)
            self.local.conn = conn
        return conn

    def run(self, i):
        url = urlsplit(f"{self.prefix}{i}{self.suffix}")
        path = url.path + ("?" + url.query if url.query else "")
        for attempt in (0, 1):
            conn = self.connection(url.hostname, url.port or 80, fresh=attempt > 0)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                break
            except (ConnectionError, OSError) as e:
                # A kept-alive connection the server closed: retry once on a fresh one.
                if attempt or isinstance(e, TimeoutError):
                    raise
        if response.status != 200:
            raise ValueError(f"GET {url.geturl()} answered HTTP {response.status}")
        if self.save_dir is not None:
            with open(os.path.join(self.save_dir, f"{i:05}.body"), "wb") as f:
                f.write(body)
        return mix(i, body_value(body)), None


class Thumbnail:
    """Seed S2: Image.thumbnail((75, 75), LANCZOS) and save, in timed phases. With
    decode="reduced" Pillow's own draft mode decodes at 1/2, 1/4 or 1/8 scale (thumbnail's
    default reducing_gap=2.0); with "full" (reducing_gap=None) it decodes every pixel."""

    PHASES = ("read", "decode", "resize", "encode", "write")

    def __init__(self, form):
        if Image is None:
            raise RuntimeError("Pillow is not installed: run scripts/python-setup.sh")
        self.inputs = form["inputs"]
        self.out_dir = form["out_dir"]
        self.side = form["max_side"]
        self.quality = form["quality"]
        self.gap = 2.0 if form["decode"] == "reduced" else None

    def run(self, i):
        clock = time.perf_counter
        t0 = clock()
        with open(self.inputs[i], "rb") as f:
            source = f.read()
        t1 = clock()
        image = Image.open(io.BytesIO(source))
        if self.gap is not None:
            # What thumbnail() asks of the decoder first: at least twice the box.
            image.draft(None, (int(self.side * self.gap), int(self.side * self.gap)))
        image.load()
        t2 = clock()
        image.thumbnail((self.side, self.side), Image.Resampling.LANCZOS, reducing_gap=self.gap)
        t3 = clock()
        encoded = io.BytesIO()
        image.save(encoded, "JPEG", quality=self.quality)
        t4 = clock()
        with open(os.path.join(self.out_dir, f"py-{i:05}.jpg"), "wb") as f:
            f.write(encoded.getvalue())
        t5 = clock()
        width, height = image.size
        return mix(i, thumbnail_value(source, width, height)), (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)


class PyTask:
    """The user's own function, FUNCTION(i) (--py-task MODULE:FUNCTION): imported from the
    module in `path` (default: the folder poolbench was started in) in the helper and in every
    worker process. Its return value's pickle (protocol 4) is hashed into the checksum, so two
    pools agree exactly when their outputs pickle alike; poolbench starts the helpers with
    PYTHONHASHSEED=0, so sets and dicts of strings pickle alike in every process."""

    def __init__(self, form):
        self.name = f"{form['module']}:{form['function']}"
        path = form.get("path") or os.getcwd()
        if path not in sys.path:
            sys.path.insert(0, path)
        try:
            module = importlib.import_module(form["module"])
        except ModuleNotFoundError as e:
            if e.name != form["module"] and not form["module"].startswith(f"{e.name}."):
                raise
            raise ModuleNotFoundError(f"no module named {form['module']!r} in {path}") from None
        function = getattr(module, form["function"], None)
        if function is None:
            where = getattr(module, "__file__", None) or form["module"]
            raise AttributeError(f"{where} has no function {form['function']!r}")
        if not callable(function):
            raise TypeError(f"{self.name} is a {type(function).__name__}, not a function")
        self.function = function

    def value(self, i):
        result = self.function(i)
        try:
            return result, pickle.dumps(result, protocol=4)
        except Exception as e:
            raise TypeError(
                f"{self.name}({i}) returned a {type(result).__name__}, which cannot be pickled: {e}"
            ) from None

    def run(self, i):
        _, data = self.value(i)
        digest = hashlib.blake2b(data, digest_size=8).digest()
        return mix(i, int.from_bytes(digest, "little")), None

    def check(self):
        """FUNCTION(0), once, before a run: what it returned, shortened."""
        result, _ = self.value(0)
        text = repr(result)
        return text if len(text) <= 120 else text[:117] + "..."


WORKLOADS = {
    "noop": Noop,
    "sum": Sum,
    "sleep": Sleep,
    "http": Http,
    "thumbnail": Thumbnail,
    "py-task": PyTask,
}

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
