"""Teams: agreement between annotators, final labels, and reviewers who settle disagreements.

- :mod:`~active_labeling.teams.agreement`: Krippendorff's alpha and Cohen's kappa, incremental.
- :mod:`~active_labeling.teams.final`: an item's final label and its status.
- :mod:`~active_labeling.teams.team`: the team's state, decision by decision (figures, finals,
  the review queue).
"""
