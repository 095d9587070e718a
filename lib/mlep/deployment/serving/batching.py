"""Dynamic batching: concurrent requests answered by one model call, each request on its own.

Requests wait up to ``batch_timeout_ms`` (or until ``max_batch_size`` rows are waiting) and are
grouped by what can be stacked: same signature and outputs, and for each input the same dtype
and the same shape after the first (batch) dimension. Each group is concatenated along that
dimension, run once, and its outputs are split back, request by request.

A request never pays for another one: a request whose tensors do not stack with the others
runs in its own group; if a merged call fails, or an output does not have one row per input
row (so splitting it would hand out wrong numbers), every request of that group is run alone
and gets its own answer or error.
"""

import asyncio

import numpy as np

from .errors import ServingError
from .servable import Servable

__all__ = ["Batcher"]


def batch_key(inputs: dict[str, np.ndarray], fetches: tuple) -> tuple | None:
    """What a request must share with others to be stacked with them (None: never stacked)."""
    rows = {array.shape[0] if array.ndim else -1 for array in inputs.values()}
    if len(rows) != 1 or min(rows) < 1:
        return None
    return fetches, tuple(
        (name, array.dtype.str, array.shape[1:]) for name, array in sorted(inputs.items())
    )


class Batcher:
    """Collects concurrent requests to one servable and signature into shared model calls.

    Parameters
    ----------
    server : ModelServer
        Gives ``max_batch_size``, ``batch_timeout_ms`` and counts ``batches_run``.
    servable : Servable
        The loaded version the requests go to.
    signature : str
        The signature they call (``""``: ``serving_default``).
    """

    def __init__(self, server, servable: Servable, signature: str):
        self.server, self.servable, self.signature = server, servable, signature
        self.pending: list[tuple] = []
        self.rows = 0
        self.flush_task: asyncio.Task | None = None

    async def submit(self, inputs: dict[str, np.ndarray], output_filter=None) -> dict:
        """The outputs for one request's ``inputs`` (alias → array)."""
        fetches = tuple(output_filter or ())
        key = batch_key(inputs, fetches)
        if key is None:
            return await asyncio.to_thread(self._run, inputs, fetches)
        future = asyncio.get_running_loop().create_future()
        self.pending.append((key, inputs, future))
        self.rows += next(iter(inputs.values())).shape[0]
        if self.rows >= self.server.max_batch_size:
            await self._flush()
        elif self.flush_task is None:
            self.flush_task = asyncio.create_task(self._flush_later())
        return await future

    def _run(self, inputs: dict, fetches: tuple) -> dict:
        return self.servable.run(self.signature, inputs, list(fetches) or None)

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.server.batch_timeout_ms / 1000)
        self.flush_task = None
        await self._flush()

    async def _flush(self) -> None:
        batch, self.pending, self.rows = self.pending, [], 0
        groups: dict[tuple, list] = {}
        for key, inputs, future in batch:
            groups.setdefault(key, []).append((inputs, future))
        try:
            await asyncio.gather(*(self._answer(key[0], group) for key, group in groups.items()))
        finally:  # whatever went wrong, no request is left waiting
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(ServingError("the batch could not be answered", 400))

    async def _answer(self, fetches: tuple, group: list) -> None:
        if len(group) > 1 and await self._answer_together(fetches, group):
            return
        await asyncio.gather(*(self._alone(inputs, future, fetches) for inputs, future in group))

    async def _answer_together(self, fetches: tuple, group: list) -> bool:
        """One model call for the whole group; False when each request must run alone."""
        try:
            merged = {
                name: np.concatenate([inputs[name] for inputs, _ in group]) for name in group[0][0]
            }
            outputs = await asyncio.to_thread(self._run, merged, fetches)
        except Exception:  # noqa: BLE001 - which request caused it is found by running each alone
            return False
        self.server.batches_run += 1
        total = next(iter(merged.values())).shape[0]
        if not all(v.ndim >= 1 and v.shape[0] == total for v in outputs.values()):
            return False  # an output without one row per input row cannot be split
        start = 0
        for inputs, future in group:
            n = next(iter(inputs.values())).shape[0]
            if not future.done():
                future.set_result({k: v[start : start + n] for k, v in outputs.items()})
            start += n
        return True

    async def _alone(self, inputs: dict, future: asyncio.Future, fetches: tuple) -> None:
        try:
            result = await asyncio.to_thread(self._run, inputs, fetches)
            self.server.batches_run += 1
        except Exception as error:  # noqa: BLE001 - handed to the request that caused it
            if not future.done():
                future.set_exception(error)
            return
        if not future.done():
            future.set_result(result)
