"""The labeling service: serving order, reservations, history, stats, HTTP routes."""
