"""Peak resident memory of the API process (and any children), sampled in a thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import psutil


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += member.memory_info().rss
    return total


class RssSampler:
    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.window_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                rss = tree_rss(self.process)
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, rss)
            self.window_peak = max(self.window_peak, rss)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.peak

    @contextlib.contextmanager
    def window(self, peaks: dict[str, int], label: str) -> Iterator[None]:
        """Record the peak seen while the block runs under `label` (the highest if repeated)."""
        self.window_peak = tree_rss(self.process)
        try:
            yield
        finally:
            peaks[label] = max(peaks.get(label, 0), self.window_peak)
