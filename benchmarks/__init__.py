"""Side-by-side benchmarks: the same network stepped by tinygrad_edu, by hand-written numpy
(forward plus hand-derived backward) and, when installed, by PyTorch. Run with
`tinygrad-edu bench` or `python -m benchmarks`."""
