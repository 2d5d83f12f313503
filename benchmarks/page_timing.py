"""Timing a page of the app through its test client, for the list benchmarks (console.py,
portal_lists.py): median and 95th percentile time, and SQL queries per request."""

import statistics
import time


def measure(client, url: str, runs: int, counter: list,
            expect: str | None = None) -> tuple[float, float, int]:
    """(median ms, p95 ms, most SQL queries) of `runs` GETs of `url`; `counter[0]` is the
    query count a `before_cursor_execute` listener keeps; `expect`: a text the page must show."""
    response = client.get(url)  # warm caches (templates, statement cache)
    assert expect is None or expect in response.get_data(as_text=True), (url, expect)
    times, queries = [], set()
    for _ in range(runs):
        counter[0] = 0
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(counter[0])
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
    return statistics.median(times), p95, max(queries)
