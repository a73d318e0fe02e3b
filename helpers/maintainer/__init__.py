"""Tools that only maintainers run: re-recording notebooks (`record`), the static site (`site`) and widget
discovery for the tests and the benchmark (`widget_catalog`). Learners never import these.
"""
