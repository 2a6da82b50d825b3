"""The error the Query Sampler raises for problems the user can fix."""


class SamplerError(ValueError):
    """Sampling cannot go on; the message says what is wrong and what to change."""
