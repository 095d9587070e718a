"""Multi-worker synchronous training on one machine: ``MultiWorkerMirroredStrategy`` (C3W3).

A cluster of worker *processes* — here on loopback, in production on several machines — trains
one model: every worker holds a full copy of the variables, reads its shard of each global batch,
and the workers all-reduce their gradients over the network (gRPC collectives) before each
update, so every copy stays identical. Each process learns its place from the ``TF_CONFIG``
environment variable:

    {"cluster": {"worker": ["127.0.0.1:20001", "127.0.0.1:20002"]},
     "task": {"type": "worker", "index": 0}}

Worker 0 is the *chief* (it would also write checkpoints and summaries). The scale switch is
only ``TF_CONFIG``: list other hosts' addresses and start the same program on each of them.

:func:`multi_worker_train` starts the workers as subprocesses with the course environment
(:func:`mlep.runtime.configure`), waits for them, and returns the chief's results; if a worker
fails or the run exceeds ``timeout``, it stops them all and raises :class:`WorkerError` with the
worker's own error output.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mlep._checks import count, finite_array, positive, text
from mlep.exceptions import MlepError

__all__ = ["MultiWorkerResult", "WorkerError", "free_ports", "multi_worker_train", "tf_config"]


class WorkerError(MlepError, RuntimeError):
    """A worker process failed or the cluster did not finish in time."""


@dataclass
class MultiWorkerResult:
    """What the chief (worker 0) reports after training.

    ``worker_weights`` holds every worker's final weights (worker 0 first): under synchronous
    all-reduce they are all equal.
    """

    history: dict[str, list[float]]
    steps_per_second: float
    weights: list[np.ndarray]
    worker_weights: list[list[np.ndarray]] = field(repr=False)
    seconds: float = 0.0


def free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports on 127.0.0.1 that were free a moment ago.

    Parameters
    ----------
    n
        How many ports (>= 1).
    """
    count(n, "n", minimum=1)
    sockets = []
    try:
        for _ in range(n):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config(ports: list[int], index: int, *, host: str = "127.0.0.1") -> str:
    """The ``TF_CONFIG`` JSON for worker ``index`` of a cluster listening on ``ports``.

    Parameters
    ----------
    ports
        One TCP port (1-65535) per worker, in worker order.
    index
        This worker's position in ``ports`` (0 is the chief).
    host
        The host every worker listens on.

    Examples
    --------
    >>> json.loads(tf_config([20001, 20002], 1))["task"]
    {'type': 'worker', 'index': 1}
    """
    if isinstance(ports, (str, bytes, dict)) or not isinstance(ports, (list, tuple)):
        raise TypeError(f"ports must be a list of port numbers, but got {ports!r}")
    if not ports:
        raise ValueError("ports must hold one port per worker, but got none")
    for port in ports:
        if count(port, "each port", minimum=1) > 65535:
            raise ValueError(f"each port must be <= 65535, but got {port}")
    if count(index, "index") >= len(ports):
        raise ValueError(
            f"index must be below the number of workers ({len(ports)}), but got {index}"
        )
    text(host, "host")
    cluster = {"worker": [f"{host}:{port}" for port in ports]}
    return json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})


def _check(build_model, workers: int, epochs: int, batch_size: int, timeout: float) -> None:
    if not (callable(build_model) or (isinstance(build_model, str) and ":" in build_model)):
        raise TypeError(
            "build_model must be a function that returns a compiled Keras model, or "
            f"'module:function' naming one; got {build_model!r}"
        )
    if count(workers, "workers") < 1:
        raise ValueError(f"workers must be a positive int, but got {workers}")
    count(epochs, "epochs", minimum=1)
    count(batch_size, "batch_size", minimum=1)
    positive(timeout, "timeout")
    if batch_size % workers:
        raise ValueError(
            f"batch_size is the global batch, split evenly across workers: {batch_size} is not "
            f"divisible by workers={workers}"
        )


def multi_worker_train(
    build_model: Callable | str,
    X,
    y,
    *,
    workers: int = 2,
    epochs: int = 2,
    batch_size: int = 64,
    seed: int = 0,
    timeout: float = 180.0,
) -> MultiWorkerResult:
    """Train ``build_model()`` with ``MultiWorkerMirroredStrategy`` on ``workers`` local processes.

    Parameters
    ----------
    build_model : a function (no arguments) returning a *compiled* Keras 2 (``tf_keras``) model,
        called inside the strategy's scope in every worker. A module-level function, a function
        defined in a notebook (sent by value with cloudpickle), or ``"module:function"``.
    X, y : the training data; every worker gets all of it and Keras shards it by batch.
    batch_size : the *global* batch: each of the ``workers`` replicas gets
        ``batch_size // workers``.
    timeout : seconds for the whole run (starting TensorFlow included) before every worker is
        stopped and :class:`WorkerError` raised.

    Returns
    -------
    MultiWorkerResult with the chief's history, steps per second after the first epoch (which
    includes tracing), its weights and every worker's weights.
    """
    _check(build_model, workers, epochs, batch_size, timeout)
    count(seed, "seed")
    features, targets = finite_array(X, "X"), finite_array(y, "y")
    if features.ndim == 0 or len(features) != len(targets):
        raise ValueError(
            "X and y must have one target per row, "
            f"but got shapes {features.shape} and {targets.shape}"
        )
    import cloudpickle

    from mlep.runtime import configure

    with tempfile.TemporaryDirectory(prefix="mlep-multiworker-") as tmp:
        folder = Path(tmp)
        np.savez(folder / "data.npz", X=np.asarray(X), y=np.asarray(y))
        (folder / "build_model.pkl").write_bytes(cloudpickle.dumps(build_model))
        job = {"epochs": epochs, "batch_size": batch_size, "seed": seed}
        (folder / "job.json").write_text(json.dumps(job))
        ports = free_ports(workers)
        env = configure(dict(os.environ))
        # the workers import what this process can: its sys.path, in order
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        processes = []
        start = time.perf_counter()
        for index in range(workers):
            stderr = open(folder / f"worker{index}.err", "w")  # a file: a full pipe would block
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "mlep.modeling.multiworker", str(folder), str(index)],
                    env={**env, "TF_CONFIG": tf_config(ports, index)},
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    start_new_session=True,  # its own process group: stopped as a whole
                )
            )
            stderr.close()
        try:
            _wait(processes, folder, timeout)
        finally:
            _stop(processes)
        seconds = time.perf_counter() - start
        reports = [json.loads((folder / f"worker{i}.json").read_text()) for i in range(workers)]
        weights = [
            [w for _, w in sorted(np.load(folder / f"worker{i}.npz").items(), key=_order)]
            for i in range(workers)
        ]
    chief = reports[0]
    return MultiWorkerResult(
        history=chief["history"],
        steps_per_second=chief["steps_per_second"],
        weights=weights[0],
        worker_weights=weights,
        seconds=seconds,
    )


def _order(item):
    return int(item[0].removeprefix("w"))


def _tail(path: Path, lines: int = 25) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no error output)"


def _wait(processes, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        codes = [p.poll() for p in processes]
        for index, code in enumerate(codes):
            if code not in (None, 0):
                raise WorkerError(
                    f"worker {index} of {len(processes)} failed (exit code {code}); its error "
                    f"output ends with:\n{_tail(folder / f'worker{index}.err')}"
                )
        if all(code == 0 for code in codes):
            return
        if time.monotonic() > deadline:
            waiting = [i for i, code in enumerate(codes) if code is None]
            raise WorkerError(
                f"the cluster did not finish within timeout={timeout:g} s (still running: "
                f"worker(s) {waiting}); worker {waiting[0]}'s error output ends with:\n"
                f"{_tail(folder / f'worker{waiting[0]}.err')}"
            )
        time.sleep(0.1)


def _stop(processes) -> None:
    # SIGKILL: a worker blocked in a collective ignores SIGTERM (TensorFlow handles it for
    # preemption checkpoints), and workers hold nothing worth saving
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        process.wait()


# ---------------------------------------------------------------- inside a worker process


def _load_builder(folder: Path):
    import importlib

    import cloudpickle

    builder = cloudpickle.loads((folder / "build_model.pkl").read_bytes())
    if isinstance(builder, str):
        module, _, name = builder.partition(":")
        builder = getattr(importlib.import_module(module), name)
    return builder


def _worker(folder: Path, index: int) -> None:
    from mlep.runtime import tensorflow

    tf = tensorflow()
    tf.get_logger().setLevel("ERROR")
    import tf_keras as keras

    job = json.loads((folder / "job.json").read_text())
    keras.utils.set_random_seed(job["seed"])  # the same initial weights in every worker
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = _load_builder(folder)()
    data = np.load(folder / "data.npz")
    dataset = tf.data.Dataset.from_tensor_slices((data["X"], data["y"])).batch(job["batch_size"])
    options = tf.data.Options()
    # in-memory data has no files to split: shard by batch (and say so, instead of a warning)
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = dataset.with_options(options)

    ends = []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: ends.append(time.perf_counter()),
        on_train_end=lambda logs: ends.append(time.perf_counter()),
    )
    history = model.fit(dataset, epochs=job["epochs"], verbose=0, callbacks=[timer])
    steps = int(np.ceil(len(data["X"]) / job["batch_size"]))
    timed = ends[1:] if len(ends) > 2 else ends  # skip the first epoch: it traces the graph
    steps_per_second = steps * (len(timed) - 1) / (timed[-1] - timed[0])
    report = {
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "steps_per_second": steps_per_second,
    }
    np.savez(
        folder / f"worker{index}.npz", **{f"w{i}": w for i, w in enumerate(model.get_weights())}
    )
    (folder / f"worker{index}.json").write_text(json.dumps(report))


def _main() -> None:
    # os._exit skips TensorFlow's shutdown, which waits on the other workers' coordination
    # service: a failed worker would otherwise linger for many seconds before exiting
    try:
        _worker(Path(sys.argv[1]), int(sys.argv[2]))
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    _main()
