"""The benchmark: a synthetic organisation, served by gunicorn and loaded with wrk (`python -m bench`)."""
