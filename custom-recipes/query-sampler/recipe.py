"""Query Sampler recipe: rank the unlabeled items by how useful labeling them would be."""

import logging

from dataiku.customrecipe import get_input_names_for_role, get_output_names_for_role, get_recipe_config

from active_labeling.dss.sampler_config import parse_sampler_config
from active_labeling.dss.sampler_recipe import run_query_sampler

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

config = parse_sampler_config(get_recipe_config())
metadata = get_input_names_for_role("metadata")
run_query_sampler(
    config,
    model=get_input_names_for_role("model")[0],
    pool=get_input_names_for_role("unlabeled")[0],
    metadata=metadata[0] if metadata else None,
    queries=get_output_names_for_role("queries")[0],
)
