"""The recipe's settings: defaults, diversity settings, and errors naming the setting to fix."""

import pytest

from active_labeling.dss.sampler_config import parse_sampler_config
from active_labeling.params import ParamError


def test_defaults():
    config = parse_sampler_config({})
    settings = config.settings
    assert (settings.strategy, settings.n_queries, settings.seed) == ("balanced", 1000, 0)
    assert config.chunk_size == 10000 and config.item_id_column is None


def test_diversity_settings_apply_to_the_batch_strategies_only():
    raw = {"strategy": "batch_diversity", "n_queries": 50, "diversity_measure": "entropy",
           "diversity_factor": 4, "diversity_space": "probabilities", "item_id_column": " key "}
    config = parse_sampler_config(raw)
    assert (config.settings.diversity_measure, config.settings.diversity_factor,
            config.settings.diversity_space) == ("entropy", 4, "probabilities")
    assert config.item_id_column == "key"
    balanced = parse_sampler_config({**raw, "strategy": "balanced"})
    assert (balanced.settings.strategy, balanced.settings.diversity_factor) == ("balanced", 4)
    plain = parse_sampler_config({**raw, "strategy": "entropy", "diversity_factor": "nonsense"})
    assert plain.settings.strategy == "entropy"


@pytest.mark.parametrize("strategy, measure", [("balanced", "margin_and_confidence"),
                                               ("batch_diversity", "margin")])
def test_the_default_measure_is_the_strategys_own(strategy, measure):
    for raw in ({"strategy": strategy}, {"strategy": strategy, "diversity_measure": "auto"}):
        assert parse_sampler_config(raw).settings.diversity_measure == measure
    chosen = parse_sampler_config({"strategy": strategy, "diversity_measure": "least_confidence"})
    assert chosen.settings.diversity_measure == "least_confidence"


@pytest.mark.parametrize("raw,named", [
    ({"strategy": "best"}, "'Strategy' (strategy)"),
    ({"n_queries": -1}, "'Number of queries'"),
    ({"chunk_size": 10}, "'Chunk size'"),
    ({"strategy": "batch_diversity", "diversity_factor": 1}, "'Candidates per query'"),
    ({"diversity_measure": "confidence"}, "'Uncertainty measure'"),
    ({"strategy": "batch_diversity", "n_queries": 0}, "number of queries above 0"),
    ({"n_queries": 0}, "balanced strategy chooses a batch"),
])
def test_bad_values_name_the_setting(raw, named):
    with pytest.raises(ParamError, match="Query Sampler recipe") as caught:
        parse_sampler_config(raw)
    assert named in str(caught.value)
