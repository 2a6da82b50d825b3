"""The Query Sampler recipe's story: open the inputs, sample, write the queries, bump the generation."""

from __future__ import annotations

import logging
from typing import Optional

from active_labeling.dss import sampler_io
from active_labeling.dss.sampler_config import COMPONENT, SamplerConfig
from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.exclusion import LabeledFilter
from active_labeling.sampling.report import SamplingReport
from active_labeling.sampling.sampler import QuerySampler
from active_labeling.sampling.strategies import BALANCED
from active_labeling.sampling.surprise import exploration_picks

log = logging.getLogger("active_labeling.query_sampler")


def run_query_sampler(config: SamplerConfig, model: str, pool: str, metadata: Optional[str],
                      queries: str) -> SamplingReport:
    """Run the recipe on full names of its inputs and output; logs and returns the report.

    Raises
    ------
    SamplerError
        With a message that says what to change.
    """
    try:
        scorer = sampler_io.open_saved_model(model)
        if scorer.feature_types:  # what the model receives: DSS's predictor takes the dataset's columns
            log.info("%s: the saved model %s reads the input columns %s", COMPONENT, scorer, ", ".join(
                f"{name} ({kind.lower()})" for name, kind in scorer.feature_types.items()))
        source = sampler_io.open_pool(pool, scorer, config.chunk_size, config.item_id_column)
        balanced = config.settings.strategy == BALANCED
        labeled, decisions = None, None
        if metadata:
            labeled_ids, decisions = sampler_io.read_labeling(metadata, with_labels=balanced)
            labeled = LabeledFilter(labeled_ids, source.id_column)
        features = scorer.features if source.folder_rows is None else None
        # balanced learns from its earlier exploration picks that were labeled since the last run.
        evidence = sampler_io.read_exploration_evidence(queries, decisions) if balanced else None
        sampler = QuerySampler(config.settings, source.scorer, labeled, scorer.version, source.id_column,
                               features, evidence=evidence)
        rows, report = sampler.run(source.chunks)
    except SamplerError as error:
        raise SamplerError(f"{COMPONENT}: {error}") from None
    if source.folder_rows is not None:
        report.unreadable_files = source.folder_rows.unreadable
    sampler_io.write_queries(queries, rows, source.schema)
    if evidence is not None:
        evidence = evidence.with_picks(exploration_picks(rows, source.id_column))
    generation = sampler_io.bump_generation(queries, evidence)
    for line in report.lines():
        log.info("%s: %s", COMPONENT, line)
    if report.rows_dropped:
        # Those items can never be queried: worth more than one info line among the others.
        log.warning("%s: %d of %d rows were dropped by the model's preprocessing and are not in the queries "
                    "(typically missing values in a feature whose handling drops rows: change it in the "
                    "model's design, or fill the values in the input)", COMPONENT, report.rows_dropped,
                    report.rows_read - report.rows_excluded)
    log.info("%s: queries generation of %s is now %d", COMPONENT, queries, generation)
    return report
