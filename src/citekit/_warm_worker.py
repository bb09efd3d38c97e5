"""Imported once, by the batch's fork server only (see :func:`citekit.batch.process_pool`).

The fork server asks to die with the main process and records its own pid (each worker it forks
checks that its parent is still this server), then imports the writers' libraries: about half a
second, done here once, before the server forks, so every worker starts with them loaded (and
shares their memory copy-on-write).
"""

import os

from citekit.batch.executors import die_with_parent
from citekit.batch.jobs import warm_up

die_with_parent()
SERVER_PID = os.getpid()
"""The fork server's pid, seen by the workers it forks."""
warm_up()
