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

`python poolbench_helper.py probe` prints the versions poolbench records, as JSON;
`python poolbench_helper.py size dask|ray` the worker threads of the real cluster named by
$POOLBENCH_DASK_SCHEDULER or $POOLBENCH_RAY_ADDRESS.
"""

import json
import multiprocessing
import multiprocessing.dummy
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import poolbench_workloads
from poolbench_workloads import Image, features, install, task, traced_task

def indexed_task(i):
    return i, task(i)


def indexed_traced_task(i):
    return i, traced_task(i)


# What an imap_unordered pool maps instead of each task function: the same, with its index.
INDEXED = {task: indexed_task, traced_task: indexed_traced_task}


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

    def map(self, n, fn=task):
        return [fn(i) for i in range(n)]

    def close(self):
        pass


class DummyPool:
    """multiprocessing.dummy.Pool(W).map: threads behind multiprocessing's API (seed S1).
    map's default chunksize: ceil(N / (4 W)) tasks per hand-over."""

    def __init__(self, workers, name, form):
        self.pool = multiprocessing.dummy.Pool(workers)
        self.workers = workers

    def map(self, n, fn=task):
        return self.pool.map(fn, range(n))

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

    def map(self, n, fn=task):
        results = [None] * n
        for i, outcome in self.pool.imap_unordered(INDEXED[fn], range(n)):
            results[i] = outcome
        return results


class ThreadExecutor:
    """concurrent.futures.ThreadPoolExecutor(W).map (seeds S3, S4, S6, S7, S8)."""

    def __init__(self, workers, name, form):
        self.executor = ThreadPoolExecutor(max_workers=workers)

    def map(self, n, fn=task):
        return list(self.executor.map(fn, range(n)))

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


# ---------------------------------------------------------------------------------------------
# Cluster engines: the step the seeds' readers take when one machine is not enough. Each starts
# a local cluster of W single-threaded worker processes (separate processes, like `Pool`), or
# joins the cluster poolbench names (`--dask-scheduler`, `--ray-address`). Their workers import
# `poolbench_workloads` by name and install the workload once, as `Pool`'s initializer does.

# Where a real cluster is (set by poolbench from --dask-scheduler and --ray-address).
DASK_SCHEDULER = "POOLBENCH_DASK_SCHEDULER"
RAY_ADDRESS = "POOLBENCH_RAY_ADDRESS"

# The name of poolbench's plugin on a Dask cluster.
PLUGIN = "poolbench-install"


def unreachable(name, form):
    """Why this worker cannot use the workload's local files (a worker on another machine), or
    None when it can."""
    import poolbench_workloads as installed

    return installed.unreachable(name, form)


def dask_installer(name, form):
    """A Dask worker plugin that installs the workload on every worker, those that join later
    (a worker restarted by its nanny) included. It carries the workloads module's source: a
    worker of a real cluster has never seen the module, and one that has may hold another
    version of it."""
    from distributed.diagnostics.plugin import WorkerPlugin

    with open(poolbench_workloads.__file__, encoding="utf-8") as f:
        source = f.read()

    class Install(WorkerPlugin):
        def setup(self, worker):
            import types

            module = sys.modules.get("poolbench_workloads")
            if getattr(module, "POOLBENCH_SOURCE", None) != source:
                module = types.ModuleType("poolbench_workloads")
                module.__file__ = "poolbench_workloads.py"
                exec(compile(source, module.__file__, "exec"), module.__dict__)
                module.POOLBENCH_SOURCE = source
                sys.modules["poolbench_workloads"] = module
            module.install(name, form)

    return Install()


def dask_task(i):
    """`task` as a Dask worker runs it: found in the module the plugin installed, at run time.
    Sent by value (it lives in the helper's `__main__`), so that the scheduler, which
    deserializes every task and has never seen poolbench's module, needs nothing but `sys`."""
    return sys.modules["poolbench_workloads"].task(i)


def dask_traced_task(i):
    """`traced_task` as a Dask worker runs it (see `dask_task`)."""
    return sys.modules["poolbench_workloads"].traced_task(i)


def dask_retried(keys, dask_scheduler=None):
    """On the scheduler: the reruns of `keys` after a lost worker."""
    return sum(getattr(dask_scheduler.tasks.get(k), "suspicious", 0) for k in keys)


class DaskPool:
    """Dask's distributed scheduler: `Client.map(task, range(N), pure=False)` then `gather`,
    over a `LocalCluster` of W worker processes with one thread each (or over the cluster at
    --dask-scheduler). `pure=False`: every batch is computed afresh, never served from the last
    batch's results. Every task is its own round trip through the scheduler."""

    def __init__(self, workers, name, form):
        import logging

        from distributed import Client, LocalCluster

        address = os.environ.get(DASK_SCHEDULER)
        self.cluster = None
        if address:
            self.client = Client(address, timeout="30s")
        else:
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        self.client.register_plugin(dask_installer(name, form), name=PLUGIN)
        if address:
            why = self.client.run(unreachable, name, form)
            for worker, problem in sorted(why.items()):
                if problem is not None:
                    raise RuntimeError(
                        f"Dask worker {worker} {problem}: a real cluster's workers need "
                        "poolbench's inputs on a path every worker sees (--cache-dir)"
                    )
        self.map(len(self.client.scheduler_info()["workers"]))

    def map(self, n, fn=task):
        remote = dask_traced_task if fn is traced_task else dask_task
        self.futures = self.client.map(remote, range(n), pure=False)
        return self.client.gather(self.futures)

    def retried(self):
        """Tasks of the last batch the scheduler ran again because their worker was lost (its
        count of workers that died while running each), asked once the batch is timed."""
        keys = [f.key for f in self.futures]
        count = self.client.run_on_scheduler(dask_retried, keys)
        self.futures = []
        return count

    def close(self):
        if self.cluster is None:
            # A shared cluster keeps a plugin until it is taken off.
            try:
                self.client.unregister_worker_plugin(PLUGIN)
            except Exception:
                pass
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def ray_unreachable(args):
    """On a Ray worker: why it cannot use the workload's local files, with its host, or None."""
    import socket

    problem = unreachable(*args)
    return None if problem is None else f"on {socket.gethostname()} {problem}"


class RayPool:
    """Ray's drop-in for `multiprocessing.Pool`: `ray.util.multiprocessing.Pool(W).map`, its
    default chunksize, on Ray started locally with W CPUs (or on the cluster at --ray-address).
    The workload is installed by the pool's initializer, as for `Pool`."""

    def __init__(self, workers, name, form):
        import ray
        from ray.util.multiprocessing import Pool

        here = os.path.dirname(os.path.abspath(poolbench_workloads.__file__))
        paths = [here] + [p for p in (form.get("path"), os.getcwd()) if p]
        options = {"include_dashboard": False, "log_to_driver": False}
        address = os.environ.get(RAY_ADDRESS)
        if address:
            # A real cluster's workers get the workloads' module shipped to them.
            options["address"] = address
            options["runtime_env"] = {"py_modules": [poolbench_workloads]}
        else:
            # "local": a Ray of its own, never one already running on this machine (which a
            # bare ray.init() would join).
            options["address"] = "local"
            options["num_cpus"] = workers
            options["runtime_env"] = {"env_vars": {"PYTHONPATH": os.pathsep.join(paths)}}
        self.ray = ray
        ray.init(**options)
        self.pool = Pool(workers, initializer=install, initargs=(name, form))
        self.pool.map(ping, range(workers), chunksize=1)
        if address:
            # Each worker says whether it can read the inputs (one task per worker).
            for problem in self.pool.map(ray_unreachable, [(name, form)] * workers, chunksize=1):
                if problem is not None:
                    raise RuntimeError(
                        f"a Ray worker {problem}: a real cluster's workers need poolbench's "
                        "inputs on a path every worker sees (--cache-dir)"
                    )

    def map(self, n, fn=task):
        return self.pool.map(fn, range(n))

    def close(self):
        self.pool.terminate()
        self.ray.shutdown()


POOLS = {
    "sequential": Sequential,
    "dummy-pool": DummyPool,
    "pool": ProcessPool,
    "imap-unordered": ImapUnordered,
    "thread-executor": ThreadExecutor,
    "process-executor": ProcessExecutor,
    "dask": DaskPool,
    "ray-pool": RayPool,
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


def run_batch(pool, tasks, traced=False):
    """One batch. A traced batch (untimed, once per cell) runs `traced_task`, which also says
    which process and thread ran each task; timed batches run `task` and read neither."""
    fn = traced_task if traced else task
    start = time.perf_counter_ns()
    results = pool.map(tasks, fn)
    batch_ns = time.perf_counter_ns() - start
    outcomes = []
    workers = [] if traced else None
    totals, counted = None, 0
    for result in results:
        checksum, error, started, finished, phases = result[:5]
        if traced:
            workers.append(list(result[5]))
        outcomes.append([checksum, error, 0, max(0, started - start), max(0, finished - start)])
        if phases is not None:
            totals = list(phases) if totals is None else [a + b for a, b in zip(totals, phases)]
            counted += 1
    phase_times = None
    if totals is not None:
        names = poolbench_workloads.installed_phases()
        phase_times = {"tasks": counted, "phases": [list(p) for p in zip(names, totals)]}
    # Asked after the batch is timed: a cluster engine's reruns of tasks whose worker was lost.
    retried = pool.retried() if hasattr(pool, "retried") else 0
    return {
        "batch_ns": batch_ns,
        "outcomes": outcomes,
        "phases": phase_times,
        "retried": retried,
        "workers": workers,
    }


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
                reply(run_batch(pool, tasks, bool(request.get("trace"))))
            elif op == "check":
                install(request["workload"], request["form"])
                reply({"ok": True, "first": poolbench_workloads.WORKLOAD.check()})
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
    # The cluster engines' versions, read from their metadata (importing them takes seconds).
    from importlib import metadata

    for key, package in (("dask", "distributed"), ("ray", "ray")):
        try:
            info[key] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[key] = None
    if Image is not None:
        import PIL

        info["pillow"] = PIL.__version__
        info["libjpeg_turbo"] = features.version("libjpeg_turbo")
    print(json.dumps(info))


def cluster_size(engine):
    """Prints the worker threads of the real cluster poolbench names (every worker's, summed),
    as JSON: on a real cluster, W is the cluster's."""
    if engine == "dask":
        from distributed import Client

        with Client(os.environ[DASK_SCHEDULER], timeout="30s") as client:
            workers = client.scheduler_info()["workers"].values()
            threads = sum(w.get("nthreads", 1) for w in workers)
    elif engine == "ray":
        import ray

        try:
            ray.init(address=os.environ[RAY_ADDRESS], include_dashboard=False, log_to_driver=False)
        except ConnectionError as e:
            raise ConnectionError(
                f"{e} (a cluster started by `ray start` asks for its token: run poolbench with "
                "RAY_AUTH_MODE=token and the token in ~/.ray/auth_token or RAY_AUTH_TOKEN)"
            ) from None
        threads = int(ray.cluster_resources().get("CPU", 0))
        ray.shutdown()
    else:
        raise ValueError(f"unknown engine {engine!r}")
    print(json.dumps({"threads": threads}))


def main(argv):
    if len(argv) >= 1 and argv[0] == "probe":
        probe()
        return 0
    if len(argv) == 2 and argv[0] == "size":
        cluster_size(argv[1])
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
