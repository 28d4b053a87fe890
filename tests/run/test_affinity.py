"""Handing out jobs by affinity (verify.run.affinity): every job exactly once, whatever the
workers ask; a worker gets the job most like what it did; workers divide a class's lines."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from verify.run.affinity import (
    AffinityQueue,
    OrderedQueue,
    by_affinity,
    file_features,
    line_features,
)


def test_features_of_markdown_and_latex() -> None:
    markdown = b"# Title\n\n$$ \\nabla_{w} L $$\n\nSo\n\n$$ = \\left( a \\, b \\right) $$\n"
    assert line_features(markdown) == {"\\nabla_{w}L", "=(ab)"}
    latex = (b"\\begin{align*}\n\\nabla L &= \\frac{1}{N} x \\\\\n&= \\Bigl( y \\Bigr) "
             b"\\quad \\text{so}\n\\end{align*}\n")
    assert line_features(latex) == {"\\nablaL", "=\\frac{1}{N}x", "=(y)\\text{so}"}


def test_features_of_prose_and_oversized_files() -> None:
    assert line_features(b"no mathematics here\n") == frozenset()
    assert line_features(b"$$ \\x $$" * 200_000) == frozenset()


def test_ordered_queue_keeps_the_order() -> None:
    queue = OrderedQueue([3, 1, 2])
    assert [queue.take(worker) for worker in (1, 2, 1)] == [3, 1, 2]
    assert len(queue) == 0


def test_nothing_seen_keeps_the_order_given() -> None:
    queue = AffinityQueue([5, 4, 3], {})
    assert [queue.take(1) for _ in range(3)] == [5, 4, 3]


def test_a_worker_gets_the_job_most_like_its_own() -> None:
    features = {0: frozenset("abc"), 1: frozenset("xyz"), 2: frozenset("xyw"),
                3: frozenset("abd"), 4: frozenset("xzw")}
    queue = AffinityQueue([0, 1, 2, 3, 4], features)
    assert queue.take(1) == 0            # the first job in order
    assert queue.take(2) == 1            # nothing of it seen by worker 1
    assert queue.take(1) == 3            # shares a, b with job 0
    assert queue.take(2) in (2, 4)       # shares two of x, y, z
    assert queue.seen(1) == frozenset("abcd")


def test_two_workers_divide_two_routes() -> None:
    """Jobs from two routes, interleaved: each worker keeps to one route."""
    route_a = [frozenset({"start", f"a{n}", f"a{n + 1}"}) for n in range(10)]
    route_b = [frozenset({"start", f"b{n}", f"b{n + 1}"}) for n in range(10)]
    jobs = [job for pair in zip(route_a, route_b, strict=True) for job in pair]
    queue = AffinityQueue(list(range(len(jobs))), dict(enumerate(jobs)))
    taken: dict[int, list[int]] = {1: [], 2: []}
    while len(queue):
        for worker in (1, 2):
            if len(queue):
                taken[worker].append(queue.take(worker))
    routes = [{"a" if any(f.startswith("a") for f in jobs[n]) else "b" for n in taken[w]}
              for w in (1, 2)]
    assert routes[0].isdisjoint(routes[1])


@given(st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=4), max_size=30),
       st.lists(st.integers(1, 3), min_size=30, max_size=30))
@settings(max_examples=200, deadline=None)
def test_every_job_once_whoever_asks(features: list[frozenset[str]], askers: list[int]) -> None:
    jobs = list(range(len(features)))[::-1]
    queue = AffinityQueue(jobs, dict(enumerate(features)))
    taken = [queue.take(askers[n]) for n in range(len(jobs))]
    assert sorted(taken) == sorted(jobs)
    assert len(queue) == 0


def test_by_affinity_starts_with_the_longest_file(tmp_path: Path) -> None:
    short, long_, missing = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "gone.md"
    short.write_text("$$ \\alpha $$\n")
    long_.write_text("$$ \\alpha $$\n\n$$ = \\beta + \\gamma $$\n")
    queue = by_affinity([short, long_, missing], [0, 1, 2])
    assert queue.take(1) == 1                       # the longest first
    assert queue.take(1) == 0                       # shares \alpha with it
    assert queue.take(1) == 2                       # unreadable: no features, still handed out
    assert file_features(missing) == frozenset()
