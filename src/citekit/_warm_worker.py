"""Imported once by the batch's fork server (see :func:`citekit.batch.process_pool`).

Loading the language model and the writers' libraries takes seconds; done here, before the server
forks, every worker process starts with them loaded (and shares their memory copy-on-write).
"""

from citekit.batch import warm_up

warm_up()
