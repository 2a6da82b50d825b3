"""Labeling webapps with active learning, for Dataiku DSS and for local use.

Only :mod:`active_labeling.dss` imports ``dataiku``; everything else runs anywhere.
"""

__version__ = "0.1.0"
