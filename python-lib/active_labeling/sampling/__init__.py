"""Scoring unlabeled items by how useful a label on them would be."""
