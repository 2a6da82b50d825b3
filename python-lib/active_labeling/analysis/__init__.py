"""Strategy analysis: simulated active learning on labeled data, and stopping criteria."""
