"""One BLAS thread for training runs of small matrices."""
from __future__ import annotations

import contextlib


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread. Small matrix products run faster on one
    thread than on two that share a busy machine (measured: a digits CNN in 2 s against over a
    minute; a char-LSTM step 0.23 s against 0.02 s), because idle BLAS threads spin. A no-op
    without threadpoolctl (which comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")
