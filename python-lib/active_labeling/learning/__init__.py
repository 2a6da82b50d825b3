"""Default scikit-learn models for the local retrain loop, and how each round is evaluated.

No ``dataiku`` here: file access goes through a reader callable (path → binary stream), so the
same feature extractors work on local folders and on DSS managed folders.
"""
