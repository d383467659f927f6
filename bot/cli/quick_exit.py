"""Leaving a short command as soon as its output is out.

`policybot ask` holds a few hundred MB of model layers and tens of thousands of small objects; the
interpreter's tidy exit (collecting them, unloading every module) costs it 60 to 80 ms, about a
tenth of its start-up, for memory the operating system takes back at once anyway.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import NoReturn

EXIT_NOT_WRITTEN = 120  # what the interpreter itself exits with when it cannot write its output at exit


def exit_now(code: int) -> NoReturn:
    """Exit with `code` once every non-daemon thread is done (a first start still writing the model's
    unpacked layers finishes them, and logs what it did), the logs flushed and the output written,
    skipping only the tidy-up. For commands that open no database and start no thread pool: nothing
    else is left to finish. Output that cannot be written (a full disk) is an error, as it would be at a
    tidy exit; a reader that has gone (`| head`) is not."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the stream closed (`>&-`): nothing was written to it
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:
            if stream is sys.stdout and code == 0:
                code = EXIT_NOT_WRITTEN
                _tell(f"policybot: the answer could not be written: {getattr(exc, 'strerror', None) or exc}\n")
    os._exit(code)


def _tell(message: str) -> None:
    try:
        if sys.stderr is not None:
            sys.stderr.write(message)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass  # nowhere left to say it: the exit code does
