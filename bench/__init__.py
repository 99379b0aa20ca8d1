"""The project's benchmarks: ``make bench``, or ``python -m bench [names...]``.

Each benchmark is a module with a ``run() -> Report`` function, listed in
:data:`bench.__main__.BENCHMARKS`. A report holds the rows of the printed table (our figure,
its target, and the figures of whatever we compare with) and the raw figures that go into
``bench/results.json``. Whatever is measured about load time or memory runs in a fresh child
process (:func:`bench.common.run_child`), so that nothing the parent loaded skews it.
"""
