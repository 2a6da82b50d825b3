"""Span Query Sampler recipe: a token tagger fitted on the marked spans ranks the other texts."""

import logging

from dataiku.customrecipe import get_input_names_for_role, get_output_names_for_role, get_recipe_config

from active_labeling.dss.span_sampler import run_span_sampler
from active_labeling.dss.span_sampler_config import parse_span_sampler_config

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

run_span_sampler(parse_span_sampler_config(get_recipe_config()),
                 texts=get_input_names_for_role("texts")[0], labels=get_input_names_for_role("labels")[0],
                 queries=get_output_names_for_role("queries")[0])
