"""How long a download takes and how much memory it needs, as a user's worker meets it: time
to the first byte, total time, size and peak RSS above the idle process. For the benchmark
(`dashboard/management/commands/benchmark.py`) and for anyone checking an export by hand:

    from crm.exports.measure import measure_in_fresh_process
    print(measure_in_fresh_process("/crm/oportunidades/exportar/xlsx/", username="bench_manager"))

`measure_download` runs in the current process (through the whole middleware stack, with
Django's test client); `measure_in_fresh_process` runs it in a new interpreter, so that the
peak RSS (the kernel's VmHWM, the process's high-water mark) is that of this one download.
"""

import contextlib
import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Django is imported by measure_download, not with this module
    from django.http.response import HttpResponseBase

MB = 1024 * 1024


@dataclass(frozen=True)
class Download:
    url: str
    status: int
    streamed: bool
    first_byte_s: float  # from the request to the first chunk of the body
    total_s: float  # from the request to the last chunk
    size_bytes: int
    idle_rss_mb: float  # the process before the download (Django loaded, the writers imported)
    peak_rss_mb: float  # the process's high-water mark after it

    @property
    def rss_growth_mb(self) -> float:
        return self.peak_rss_mb - self.idle_rss_mb

    def __str__(self) -> str:
        return (
            f"first byte {self.first_byte_s:.2f} s, total {self.total_s:.2f} s, "
            f"{self.size_bytes / 1e6:.1f} MB, peak RSS {self.peak_rss_mb:.0f} MB "
            f"(+{self.rss_growth_mb:.0f} MB over idle)"
        )


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process in MB, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _reset_peak() -> None:
    """Lower VmHWM to the current RSS (Linux ≥ 4.0), so the peak is this download's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _read(http: Any, url: str) -> tuple["HttpResponseBase", float | None, int]:
    began = time.perf_counter()
    response = http.get(url)
    first, size = None, 0
    if response.streaming:
        for chunk in response.streaming_content:
            if first is None:
                first = time.perf_counter() - began
            size += len(chunk)
    else:
        size = len(response.content)
    return response, first, size  # the test client closed it (request_finished) at the end


def measure_download(url: str, *, username: str, warmup: int = 0) -> Download:
    """GET `url` logged in as `username` and read the whole body, timing the first and the
    last chunk. The exporters are imported (and a login done) before the idle RSS is read,
    so the growth is what the download itself needed.

    warmup=0 measures the first such download of a worker (WeasyPrint, for instance, is
    imported by the first PDF: about half a second); warmup=N measures after N unmeasured
    downloads of the same URL, as a worker that has served it before."""
    from django.test import Client
    from django.test.utils import override_settings

    import crm.exports.csv
    import crm.exports.xlsx
    import crm.reports.xlsx  # noqa: F401
    from accounts.models import User

    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        http = Client()
        http.force_login(User.objects.get(username=username))
        for _ in range(warmup):
            _read(http, url)
        _reset_peak()
        idle = _status_mb("VmRSS")
        began = time.perf_counter()
        response, first, size = _read(http, url)
        total = time.perf_counter() - began
    return Download(
        url=url,
        status=response.status_code,
        streamed=response.streaming,
        first_byte_s=total if first is None else first,
        total_s=total,
        size_bytes=size,
        idle_rss_mb=idle,
        peak_rss_mb=_status_mb("VmHWM"),
    )


_CHILD = """
import json
from dataclasses import asdict
from crm.exports.measure import measure_download
download = measure_download({url!r}, username={username!r}, warmup={warmup!r})
print("MEASURE " + json.dumps(asdict(download)))
"""


def measure_in_fresh_process(
    url: str, *, username: str, warmup: int = 0, env: dict | None = None
) -> Download:
    """`measure_download` in a new `manage.py shell` (same settings and database, or those
    of `env`), so the peak RSS belongs to that download alone."""
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(  # noqa: S603 - this interpreter running our own code
        [
            sys.executable,
            str(manage),
            "shell",
            "-c",
            _CHILD.format(url=url, username=username, warmup=warmup),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("MEASURE "))
    return Download(**json.loads(line.removeprefix("MEASURE ")))


__all__ = ["Download", "asdict", "measure_download", "measure_in_fresh_process"]
