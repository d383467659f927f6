"""Leaving a short command as soon as its output is out.

`policybot ask` holds a few hundred MB of model layers and tens of thousands of small objects; the
interpreter's tidy exit (collecting them, unloading every module) costs it 60 to 80 ms, about a
tenth of its start-up, for memory the operating system takes back at once anyway.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    """Exit with `code` once the output is written, the logs flushed and every non-daemon thread done
    (a first start still writing the model's unpacked layers finishes them), skipping only the tidy-up.
    For commands that open no database and start no thread pool: nothing else is left to finish."""
    for stream in (sys.stdout, sys.stderr):
        # `policybot ask ... | head` closed the pipe: there is nothing more to write
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    logging.shutdown()
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    os._exit(code)
