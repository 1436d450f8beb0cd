"""poolbench's workloads in Python: the same tasks as the Rust workloads, on the same inputs,
returning the same checksums (see `Workload::foreign_form` in poolbench-core for each "form").

Used by `poolbench_helper.py`, which runs them on Python's pools; poolbench writes both files
into one folder, so the helper imports this module from beside it.
"""

import hashlib
import importlib
import io
import os
import pickle
import sys
import threading
import time
import zlib
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
        # Uneven tasks (`uneven` > 1) come as one n and one expected sum per task.
        self.ns = form.get("ns")
        self.n = form.get("n")
        self.expected = form["expected"]

    def run(self, i):
        n, expected = (self.n, self.expected) if self.ns is None else (self.ns[i], self.expected[i])
        total = sum(range(n)) & MASK
        if total != expected:
            raise ValueError(f"sum of 0..{n} gave {total}, expected {expected}")
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


# ---------------------------------------------------------------------------------------------
# The workload of this process, and one task of it. Every pool's workers run `task`: set in
# the helper by "prepare", and in each worker process by the pool's initializer (or, for the
# cluster engines, by a call on every worker). They live here, not in the helper, because a
# cluster engine's workers import them by name: a function of the helper's `__main__` would be
# pickled by value, with a copy of the globals it reads.

# Kept when the module is loaded again: a Dask worker reloads an uploaded module, possibly
# after the workload was installed in it.
WORKLOAD = globals().get("WORKLOAD")


def install(name, form):
    global WORKLOAD
    WORKLOAD = WORKLOADS[name](form)


def installed_phases():
    """The phase names of the installed workload, or None."""
    return getattr(type(WORKLOAD), "PHASES", None)


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


def traced_task(i):
    """`task`, plus the worker that ran it: this process's pid and this thread's native id
    (what `top -H` shows). Only the traced batch runs it, so timed batches read neither."""
    return task(i) + ((os.getpid(), threading.get_native_id()),)


def unreachable(name, form):
    """Why this process cannot use the workload's local files (a worker of a real cluster, on
    another machine), or None when it can."""
    for path in form.get("inputs", [])[:1]:
        if not os.access(path, os.R_OK):
            return f"cannot open {path}"
    out_dir = form.get("out_dir")
    if out_dir and not os.access(out_dir, os.W_OK):
        return f"cannot write in {out_dir}"
    return None
