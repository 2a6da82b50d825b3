"""The DSS side: the only package that imports ``dataiku`` (or ``dataikuapi``).

Its modules import ``dataiku`` at their top, so import them only where DSS (or the test
stand-in) is present; this ``__init__`` imports nothing.
"""
