"""Dynamic batching: concurrent row-format requests answered by one model call."""

import asyncio

from .servable import Servable

__all__ = ["Batcher"]


class Batcher:
    """Collects concurrent row-format requests into one model call (dynamic batching)."""

    def __init__(self, server, servable: Servable, signature: str | None):
        self.server, self.servable, self.signature = server, servable, signature
        self.pending: list[tuple[dict, asyncio.Future]] = []
        self.flush_task: asyncio.Task | None = None

    async def submit(self, inputs: dict) -> dict:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((inputs, future))
        size = sum(len(next(iter(i.values()))) for i, _ in self.pending)
        if size >= self.server.max_batch_size:
            await self._flush()
        elif self.flush_task is None:
            self.flush_task = asyncio.create_task(self._flush_later())
        return await future

    async def _flush_later(self):
        await asyncio.sleep(self.server.batch_timeout_ms / 1000)
        self.flush_task = None
        await self._flush()

    async def _flush(self):
        batch, self.pending = self.pending, []
        if not batch:
            return
        keys = batch[0][0].keys()
        if any(i.keys() != keys for i, _ in batch):  # requests with other inputs: one by one
            for inputs, future in batch:
                await self._answer([(inputs, future)], inputs)
            return
        merged = {k: [x for inputs, _ in batch for x in inputs[k]] for k in keys}
        await self._answer(batch, merged)

    async def _answer(self, batch, merged):
        try:
            outputs = await asyncio.to_thread(self.servable.run, self.signature, merged)
            self.server.batches_run += 1
        except Exception as error:
            for _, future in batch:
                future.set_exception(error)
            return
        start = 0
        for inputs, future in batch:
            n = len(next(iter(inputs.values())))
            future.set_result({k: v[start : start + n] for k, v in outputs.items()})
            start += n
