"""Benchmark: crawl 200 sources from a local HTTP server that adds 100 ms latency per response.

Prints the wall time and its ratio to the ideal `sources × latency ÷ concurrency`
(the time a perfectly parallel crawler would need). Target on 2 cores: ratio ≤ 1.5.

    python bench/bench_fetch.py [--sources 200] [--latency 0.1] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker import pipeline  # noqa: E402
from tracker.config import PartyConfig, Settings, SourceConfig  # noqa: E402
from tracker.fetch import FetchSettings  # noqa: E402

BODY = "# Changelog\n\n" + "".join(
    f"## 1.{i}.0 (2026-0{1 + i % 9}-1{i % 9})\n\n### Features\n\n* add feature number {i}\n* support option {i}\n\n"
    for i in range(20)
)


def serve(latency: float) -> ThreadingHTTPServer:
    """A threaded server adding `latency` to every response (run it in its own process)."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            time.sleep(latency)
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            body = BODY.encode()
            self.send_response(200)
            self.send_header("content-type", "text/markdown; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the listen backlog: the default 5 drops concurrent connects

    return Server(("127.0.0.1", 0), Handler)


def _serve_forever(latency: float, ports: "multiprocessing.Queue[int]") -> None:
    server = serve(latency)
    ports.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3, help="crawls to run; the median is reported")
    args = parser.parse_args()
    # The server runs in its own process, so it does not compete with the crawler for the GIL.
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve_forever, args=(args.latency, ports), daemon=True)
    process.start()
    port = ports.get(timeout=10)
    sources = tuple(
        SourceConfig(name=f"s{i:03d}", kind="changelog", url=f"http://127.0.0.1:{port}/p{i}/CHANGELOG.md", party=f"P{i % 20}")
        for i in range(args.sources)
    )
    parties = tuple(
        PartyConfig(f"P{p}", "startup", "bench", tuple(s for s in sources if s.party == f"P{p}")) for p in range(20)
    )
    walls = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                db_path=Path(tmp) / "bench.db", parties=parties,
                fetch=FetchSettings(max_connections=args.concurrency, per_host=args.concurrency),
            )
            # Time the crawl, not the one-off creation of an empty catalog (a daily crawl finds it in place).
            with pipeline.catalog(settings):
                pass
            start = time.perf_counter()
            summary = pipeline.run_crawl(settings)
            walls.append(time.perf_counter() - start)
    process.terminate()
    ideal = args.sources * args.latency / args.concurrency
    wall = statistics.median(walls)
    print(f"{args.sources} sources, {args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}: "
          f"{len(summary.ok)} ok, {len(summary.failed)} failed, {summary.new_entries:,} entries")
    print(f"wall per run: {', '.join(f'{w:.2f} s' for w in walls)}")
    print(f"median wall {wall:.2f} s; ideal {ideal:.2f} s; ratio {wall / ideal:.2f} "
          f"[target <= 1.5: {'ok' if wall / ideal <= 1.5 else 'MISSED'}]")


if __name__ == "__main__":
    main()
