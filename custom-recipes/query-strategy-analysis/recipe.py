"""Query Strategy Analysis recipe: compare active-learning strategies on fully labeled data."""

import logging

from dataiku.customrecipe import get_input_names_for_role, get_output_names_for_role, get_recipe_config

from active_labeling.dss.analysis_config import parse_analysis_config
from active_labeling.dss.analysis_recipe import run_strategy_analysis

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

config = parse_analysis_config(get_recipe_config())
labels = get_input_names_for_role("labels")
plots = get_output_names_for_role("plots")
run_strategy_analysis(
    config,
    data=get_input_names_for_role("labeled")[0],
    labels=labels[0] if labels else None,
    curves=get_output_names_for_role("curves")[0],
    summary=get_output_names_for_role("summary")[0],
    plots=plots[0] if plots else None,
)
