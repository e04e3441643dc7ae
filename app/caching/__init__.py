"""Caching of read services: the backend, data-family generations and memoization."""
