"""``python -m sim`` and the ``alliance-sim`` script: ``sim.app.main``, then a quick exit.

After a run, the interpreter's teardown frees every object of numba, pandas and
matplotlib one by one: ~0.5 s, for memory the operating system reclaims at once. So once
``main`` has returned, the exit handlers run as at a normal exit (logging flushes and
closes Hydra's ``app.log``), the standard streams are flushed, and the process ends
with ``os._exit(0)``. While other threads still run (a launcher's), it exits as usual.
"""

import atexit
import os
import sys
import threading

from sim.app import main as run


def main() -> None:
    run()
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    atexit._run_exitfuncs()  # CPython's exit handlers, which a normal exit runs first
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader has gone (``| head``): quiet, as ``sim.terminal.emit``
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
