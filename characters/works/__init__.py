"""Works on the platform: novels uploaded by editors, extracted in background jobs.

``ExtractionJobs`` (``jobs``) is the service the web layer calls; ``JobStore``
(``store``) keeps jobs, works and their locks in Redis; each job runs the extraction
pipeline in its own process (``worker``, started by ``process``) and leaves a review
report (``report``). Endpoints are in ``web.editor``; docs in docs/extraction.md.
"""
