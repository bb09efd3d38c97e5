"""Imported once by the batch's fork server (see :func:`citekit.batch.process_pool`).

Importing the writers' libraries takes about half a second; done here, before the server forks,
every worker process starts with them loaded (and shares their memory copy-on-write).
"""

from citekit.batch import warm_up

warm_up()
